//! `ErasurePlan` and `Deadline`: the JS classes around the core's plan and GDPR deadline.
//!
//! The plan is built by the core from a subject's ledger entries (objects in the core's
//! `LedgerEntry` shape, as the ledger hands them out); operations, the dry run and the
//! deadline come back as plain data with the core's snake_case field names.

use crate::convert::json_to_js;
use crate::convert::{bytes_arg, from_js_plain, time_arg, to_js};
use crate::error::{invalid_argument, to_js_error};
use crate::options::{base_url_arg, get, options_object};
use erasekit_core::{ConversationApi, LedgerEntry, PlanOptions, UnixMillis, UserAction};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Every call needed to erase one subject from Vonage, with the GDPR deadline.
#[wasm_bindgen]
#[repr(transparent)]
pub struct ErasurePlan(pub(crate) erasekit_core::ErasurePlan);

/// The plan options of `new ErasurePlan({...})`, flat beside the other inputs: camelCase names
/// of the core's `PlanOptions`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PlanOptionsInput {
    user_action: Option<UserAction>,
    delete_legs: Option<bool>,
    delete_conversations: Option<bool>,
    conversation_api: Option<ConversationApi>,
    retention_months: Option<u32>,
    allow_empty: Option<bool>,
}

impl PlanOptionsInput {
    fn fill(self, options: &mut PlanOptions) {
        if let Some(a) = self.user_action {
            options.user_action = a;
        }
        if let Some(b) = self.delete_legs {
            options.delete_legs = b;
        }
        if let Some(b) = self.delete_conversations {
            options.delete_conversations = b;
        }
        if let Some(a) = self.conversation_api {
            options.conversation_api = a;
        }
        if let Some(m) = self.retention_months {
            options.retention_months = m;
        }
        if let Some(b) = self.allow_empty {
            options.allow_empty = b;
        }
    }
}

/// The inputs that are not plan options.
const INPUT_KEYS: &[&str] = &["subject", "subjectKey", "entries", "now", "receivedAt"];
const PLAN_KEYS: &[&str] = &[
    "subject",
    "subjectKey",
    "entries",
    "now",
    "receivedAt",
    "userAction",
    "deleteLegs",
    "deleteConversations",
    "conversationApi",
    "retentionMonths",
    "allowEmpty",
];

/// An optional time property: absent or `null` is `None`.
pub(crate) fn optional_time(
    object: &JsValue,
    key: &str,
    field: &'static str,
) -> Result<Option<UnixMillis>, JsValue> {
    match get(object, key) {
        v if v.is_undefined() || v.is_null() => Ok(None),
        v => time_arg(&v, field).map(Some),
    }
}

/// A number of months: a whole number 0 to 255 (the core decides which are allowed).
fn months_arg(value: &JsValue) -> Result<u8, JsValue> {
    value
        .as_f64()
        .filter(|m| m.fract() == 0.0 && (0.0..=255.0).contains(m))
        .map(|m| m as u8)
        .ok_or_else(|| invalid_argument("months", "expected a whole number of months (1 or 2)"))
}

#[wasm_bindgen]
impl ErasurePlan {
    /// Plans the erasure of one subject: `{ subject, subjectKey, entries, now, receivedAt?,
    /// userAction?, deleteLegs?, deleteConversations?, conversationApi?, retentionMonths?,
    /// allowEmpty? }`. `entries` are the subject's ledger entries, `subjectKey` the ledger's
    /// key (at least 16 bytes) for the subject's keyed hash, `receivedAt` when the request
    /// arrived (default `now`); the rest are the plan options.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ErasurePlanInput")] input: JsValue,
    ) -> Result<ErasurePlan, JsValue> {
        let object: JsValue = options_object(&input, PLAN_KEYS)
            .map_err(|_| {
                invalid_argument(
                    "input",
                    "expected { subject, subjectKey, entries, now, receivedAt?, ...plan options }",
                )
            })?
            .into();
        let subject = crate::ledger::text_arg(&get(&object, "subject"), "subject")?;
        let key = bytes_arg(&get(&object, "subjectKey"), "subjectKey")?;
        let entries: serde_json::Value = from_js_plain(get(&object, "entries"), "entries")?;
        let entries = LedgerEntry::list_from_value(&entries).map_err(|e| to_js_error(&e))?;
        let now = time_arg(&get(&object, "now"), "now")?;
        let received_at = optional_time(&object, "receivedAt", "receivedAt")?;
        let mut options = PlanOptions::default();
        let rest = js_sys::Object::assign(&js_sys::Object::new(), object.unchecked_ref());
        for key in INPUT_KEYS {
            js_sys::Reflect::delete_property(&rest, &(*key).into())?;
        }
        from_js_plain::<PlanOptionsInput>(rest.into(), "options")?.fill(&mut options);
        erasekit_core::ErasurePlan::new(&subject, &key, &entries, now, received_at, options)
            .map(ErasurePlan)
            .map_err(|e| to_js_error(&e))
    }

    /// The subject (personal data: the receipt names it only by `subjectHash`).
    #[wasm_bindgen(getter)]
    pub fn subject(&self) -> String {
        self.0.subject.clone()
    }

    /// HMAC-SHA256 of the subject under the ledger key, hex: how the receipt names the subject.
    #[wasm_bindgen(getter = subjectHash)]
    pub fn subject_hash(&self) -> String {
        self.0.subject_hash.clone()
    }

    /// When the plan was made (milliseconds since the epoch).
    #[wasm_bindgen(getter = plannedAt, unchecked_return_type = "number")]
    pub fn planned_at(&self) -> Result<JsValue, JsValue> {
        to_js(&self.0.planned_at, "now")
    }

    /// The GDPR deadline (a copy; change it with `extendDeadline`).
    #[wasm_bindgen(getter)]
    pub fn deadline(&self) -> Deadline {
        Deadline(self.0.deadline.clone())
    }

    /// The options the plan was made with, as plain data.
    #[wasm_bindgen(getter, unchecked_return_type = "PlanOptions")]
    pub fn options(&self) -> Result<JsValue, JsValue> {
        json_to_js(&self.0.options)
    }

    /// Every operation, in order: `{ op, target, action, ..., created_at, not_before, initial }`.
    #[wasm_bindgen(getter, unchecked_return_type = "Operation[]")]
    pub fn operations(&self) -> Result<JsValue, JsValue> {
        json_to_js(&self.0.operations)
    }

    /// The latest `not_before` of the pending operations (the earliest the job can finish),
    /// or `null` when nothing is to be sent.
    #[wasm_bindgen(getter = earliestFinish, unchecked_return_type = "number | null")]
    pub fn earliest_finish(&self) -> Result<JsValue, JsValue> {
        to_js(&self.0.earliest_finish(), "createdAt")
    }

    /// Extends the deadline to `1 + months` months after receipt (`months` is 1 or 2), with
    /// the reason the subject must be told. Returns the new deadline.
    #[wasm_bindgen(js_name = extendDeadline)]
    pub fn extend_deadline(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] months: JsValue,
        reason: &str,
    ) -> Result<Deadline, JsValue> {
        let extended = self
            .0
            .deadline
            .extend(months_arg(&months)?, reason)
            .map_err(|e| to_js_error(&e))?;
        self.0.deadline = extended.clone();
        Ok(Deadline(extended))
    }

    /// The dry run: every operation with the method and URL the job would call (against
    /// `baseUrl`, Vonage's hosts when absent), when, and whether it is sent at all.
    /// Needs no credentials and shows none.
    #[wasm_bindgen(unchecked_return_type = "PlannedCall[]")]
    pub fn describe(
        &self,
        #[wasm_bindgen(unchecked_param_type = "BaseUrl")] base_url: JsValue,
    ) -> Result<JsValue, JsValue> {
        let base = base_url_arg(base_url)?;
        let calls = self.0.describe(&base).map_err(|e| to_js_error(&e))?;
        json_to_js(&calls)
    }

    /// The plan in figures at `ratePerSecond` (default 170, the job's default): counts per
    /// action and product, how long sending takes at that rate, the earliest finish and the
    /// deadline. The same figures as Python's `plan.summary()` and the CLI's dry run.
    #[wasm_bindgen(unchecked_return_type = "PlanSummary")]
    pub fn summary(
        &self,
        #[wasm_bindgen(js_name = ratePerSecond)] rate_per_second: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let rate = match rate_per_second {
            None => erasekit_core::JobConfig::default().rate_per_second,
            Some(r) if r.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&r) => r as u32,
            Some(_) => {
                return Err(invalid_argument(
                    "ratePerSecond",
                    "expected a whole number of requests per second",
                ))
            }
        };
        let summary = self.0.summary(rate).map_err(|e| to_js_error(&e))?;
        json_to_js(&summary)
    }

    /// The plan as plain data (what `JSON.stringify` shows).
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "ErasurePlanData")]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        json_to_js(&self.0)
    }
}

/// When an erasure request must be answered (GDPR Art. 12(3)): one calendar month after
/// receipt, extendable by up to two further months with a recorded reason.
#[wasm_bindgen]
#[repr(transparent)]
pub struct Deadline(erasekit_core::Deadline);

#[wasm_bindgen]
impl Deadline {
    /// The deadline of a request received at `receivedAt` (milliseconds since the epoch): the
    /// same day number a month later, clamped to that month's last day, same time of day (UTC).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = receivedAt, unchecked_param_type = "number | Date")]
        received_at: JsValue,
    ) -> Result<Deadline, JsValue> {
        let received_at = time_arg(&received_at, "receivedAt")?;
        erasekit_core::Deadline::new(received_at)
            .map(Deadline)
            .map_err(|e| to_js_error(&e))
    }

    /// When the request was received.
    #[wasm_bindgen(getter = receivedAt, unchecked_return_type = "number")]
    pub fn received_at(&self) -> Result<JsValue, JsValue> {
        to_js(&self.0.received_at, "receivedAt")
    }

    /// When the answer is due.
    #[wasm_bindgen(getter = dueAt, unchecked_return_type = "number")]
    pub fn due_at(&self) -> Result<JsValue, JsValue> {
        to_js(&self.0.due_at, "receivedAt")
    }

    /// Months of extension granted: 0, 1 or 2.
    #[wasm_bindgen(getter = extensionMonths)]
    pub fn extension_months(&self) -> u8 {
        self.0.extension_months
    }

    /// Why the deadline was extended, if it was.
    #[wasm_bindgen(getter = extensionReason)]
    pub fn extension_reason(&self) -> Option<String> {
        self.0.extension_reason.clone()
    }

    /// This deadline extended to `1 + months` months after receipt (`months` is 1 or 2);
    /// `reason` must not be blank. This one is unchanged.
    pub fn extend(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] months: JsValue,
        reason: &str,
    ) -> Result<Deadline, JsValue> {
        self.0
            .extend(months_arg(&months)?, reason)
            .map(Deadline)
            .map_err(|e| to_js_error(&e))
    }

    /// Whether `now` (milliseconds since the epoch) is past the deadline.
    #[wasm_bindgen(js_name = isOverdue)]
    pub fn is_overdue(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number | Date")] now: JsValue,
    ) -> Result<bool, JsValue> {
        Ok(self.0.is_overdue(time_arg(&now, "now")?))
    }

    /// The deadline as plain data: `{ received_at, due_at, extension_months, extension_reason }`.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "DeadlineData")]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        json_to_js(&self.0)
    }
}
