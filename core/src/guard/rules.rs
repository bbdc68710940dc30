//! The field usage guidance as rules: which fields of which outgoing payload must not carry an
//! end user's personal data, each with the source that says so.
//!
//! Source of every confirmed rule: Vonage's "Developer Field Usage Guidance" (vonage-facts §8,
//! [NDP:fieldguide]): the fields "are not meant for end-user personal data and cannot be
//! redacted". Field spellings on the wire are from the OpenAPI files (`shared/specs/vonage/`).
//! Rules marked not confirmed cover fields the guide does not list (facts §8, last line).

use super::GuardKind;
use serde::Serialize;

/// What a field is meant to hold, which decides what is a finding in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GuardExpects {
    /// Free text or a URL: any phone number or e-mail address that is not the customer's own
    /// (or a documented placeholder), and any identifier linked to a subject, is a finding.
    NoPersonalData,
    /// A phone number that must be the customer's own: a finding when it is linked to a subject,
    /// or when the customer's numbers are given and it is not one of them.
    CustomerNumber,
}

/// When a rule applies to a voice call payload, read from its `direction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Applies {
    Always,
    /// Not `direction: "inbound"` (a create-call request has no direction: outbound).
    Outbound,
    /// `direction: "inbound"`.
    Inbound,
}

/// One step of a field path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seg {
    Key(&'static str),
    /// Every key of an object.
    AnyKey,
    /// Every element of an array (a single value stands for itself).
    Each,
}

use Seg::{AnyKey, Each, Key};

/// One rule of the guidance, as hosts and the CLI list them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuardRule {
    /// Stable id, e.g. `ncco.eventUrl`; findings name it.
    pub id: &'static str,
    /// The payload kind it applies to: `ncco`, `sms`, `voice-call`, `verify`, `application`,
    /// `messages` (NCCO rules also apply inside a voice call's `ncco`).
    pub kind: &'static str,
    /// The field as written in the payload, e.g. `[].eventUrl[]`.
    pub field: &'static str,
    /// What the field is meant to hold.
    pub expects: GuardExpects,
    /// Where the rule comes from.
    pub source: &'static str,
    /// False where Vonage's guide does not list the field (the rule is erasekit's caution).
    pub confirmed: bool,
}

pub(crate) struct RuleDef {
    pub(crate) rule: GuardRule,
    pub(crate) kind: GuardKind,
    pub(crate) patterns: &'static [&'static [Seg]],
    pub(crate) applies: Applies,
}

macro_rules! rule {
    ($kind:ident, $id:literal, $field:literal, $expects:ident, $confirmed:literal, $source:expr,
     $applies:ident, [$($pattern:expr),+ $(,)?]) => {
        RuleDef {
            rule: GuardRule {
                id: $id,
                kind: GuardKind::$kind.as_str(),
                field: $field,
                expects: GuardExpects::$expects,
                source: $source,
                confirmed: $confirmed,
            },
            kind: GuardKind::$kind,
            patterns: &[$($pattern),+],
            applies: Applies::$applies,
        }
    };
}

/// Every rule, in a fixed order.
pub(crate) static RULES: [RuleDef; 21] = [
    rule!(Sms, "sms.callback", "callback", NoPersonalData, true,
        "SMS API `callback`: Vonage Developer Field Usage Guidance (vonage-facts §8, [NDP:fieldguide])",
        Always, [&[Key("callback")]]),
    rule!(Sms, "sms.client-ref", "client-ref", NoPersonalData, true,
        "SMS API `clientRef` (sent as `client-ref`, [OAS:sms NewMessage]): Vonage Developer Field Usage Guidance (vonage-facts §8, [NDP:fieldguide])",
        Always, [&[Key("client-ref")]]),
    rule!(Sms, "sms.url", "url", NoPersonalData, true,
        "SMS API `url`: Vonage Developer Field Usage Guidance (vonage-facts §8, [NDP:fieldguide])",
        Always, [&[Key("url")]]),
    rule!(Sms, "sms.account-ref", "account-ref", NoPersonalData, false,
        "SMS API `account-ref`: not listed in the guide, NOT CONFIRMED (vonage-facts §8)",
        Always, [&[Key("account-ref")]]),
    rule!(Verify, "verify.brand", "brand", NoPersonalData, true,
        "Verify API `brand`: Vonage Developer Field Usage Guidance (vonage-facts §8, [NDP:fieldguide])",
        Always, [&[Key("brand")]]),
    rule!(Verify, "verify.sender_id", "sender_id", NoPersonalData, true,
        "Verify API `sender_id`: Vonage Developer Field Usage Guidance (vonage-facts §8, [NDP:fieldguide])",
        Always, [&[Key("sender_id")]]),
    rule!(Verify, "verify.clientRef", "clientRef", NoPersonalData, true,
        "2FA (Verify) API `clientRef`, spelled as the guide writes it (verify.yml has no such field): Vonage Developer Field Usage Guidance (vonage-facts §8, [NDP:fieldguide])",
        Always, [&[Key("clientRef")]]),
    rule!(VoiceCall, "voice.from", "from.number", CustomerNumber, true,
        "Voice API `from` on outbound calls, customer-owned ([OAS:voice EndpointPhoneFrom]): Vonage Developer Field Usage Guidance (vonage-facts §8, [NDP:fieldguide])",
        Outbound, [&[Key("from"), Key("number")], &[Key("from")]]),
    rule!(VoiceCall, "voice.to", "to[].number", CustomerNumber, true,
        "Voice API `to` on inbound calls, customer-owned: Vonage Developer Field Usage Guidance (vonage-facts §8, [NDP:fieldguide])",
        Inbound, [&[Key("to"), Each, Key("number")], &[Key("to")]]),
    rule!(Ncco, "ncco.eventUrl", "[].eventUrl[]", NoPersonalData, true,
        "NCCO `eventUrl` (NCCOs are logged ~30 days): Vonage Developer Field Usage Guidance (vonage-facts §8, [NDP:fieldguide])",
        Always, [&[Each, Key("eventUrl"), Each]]),
    rule!(Ncco, "ncco.endpoint.uri", "[].endpoint[].uri", NoPersonalData, true,
        "NCCO `endpoint.uri` (NCCOs are logged ~30 days): Vonage Developer Field Usage Guidance (vonage-facts §8, [NDP:fieldguide])",
        Always, [&[Each, Key("endpoint"), Each, Key("uri")]]),
    rule!(Ncco, "ncco.from", "[].from", CustomerNumber, true,
        "NCCO `from`, a number that belongs to the customer (NCCOs are logged ~30 days): Vonage Developer Field Usage Guidance (vonage-facts §8, [NDP:fieldguide])",
        Always, [&[Each, Key("from")]]),
    rule!(Ncco, "ncco.text", "[].text", NoPersonalData, true,
        "NCCO `text` (NCCOs are logged ~30 days): Vonage Developer Field Usage Guidance (vonage-facts §8, [NDP:fieldguide])",
        Always, [&[Each, Key("text")]]),
    rule!(Ncco, "ncco.streamUrl", "[].streamUrl[]", NoPersonalData, true,
        "NCCO `streamUrl` (NCCOs are logged ~30 days): Vonage Developer Field Usage Guidance (vonage-facts §8, [NDP:fieldguide])",
        Always, [&[Each, Key("streamUrl"), Each]]),
    rule!(Application, "application.name", "name", NoPersonalData, true,
        "Application API `name`: Vonage Developer Field Usage Guidance (vonage-facts §8, [NDP:fieldguide])",
        Always, [&[Key("name")]]),
    rule!(Application, "application.answer_url", "capabilities.*.webhooks.answer_url.address", NoPersonalData, true,
        "Application API `answer_url` ([OAS:app2] capabilities.voice.webhooks.answer_url.address): Vonage Developer Field Usage Guidance (vonage-facts §8, [NDP:fieldguide])",
        Always, [&[Key("capabilities"), AnyKey, Key("webhooks"), Key("answer_url"), Key("address")]]),
    rule!(Application, "application.event_url", "capabilities.*.webhooks.event_url.address", NoPersonalData, true,
        "Application API `event_url` ([OAS:app2] capabilities.voice/rtc.webhooks.event_url.address): Vonage Developer Field Usage Guidance (vonage-facts §8, [NDP:fieldguide])",
        Always, [&[Key("capabilities"), AnyKey, Key("webhooks"), Key("event_url"), Key("address")]]),
    rule!(Application, "application.messages.inbound_url", "capabilities.messages.webhooks.inbound_url.address", NoPersonalData, false,
        "Messages API webhook URL ([OAS:app2] capabilities.messages.webhooks.inbound_url): not listed in the guide, NOT CONFIRMED (vonage-facts §8)",
        Always, [&[Key("capabilities"), Key("messages"), Key("webhooks"), Key("inbound_url"), Key("address")]]),
    rule!(Application, "application.messages.status_url", "capabilities.messages.webhooks.status_url.address", NoPersonalData, false,
        "Messages API webhook URL ([OAS:app2] capabilities.messages.webhooks.status_url): not listed in the guide, NOT CONFIRMED (vonage-facts §8)",
        Always, [&[Key("capabilities"), Key("messages"), Key("webhooks"), Key("status_url"), Key("address")]]),
    rule!(Messages, "messages.client_ref", "client_ref", NoPersonalData, false,
        "Messages API `client_ref` ([OAS:msgs]): not listed in the guide, NOT CONFIRMED (vonage-facts §8)",
        Always, [&[Key("client_ref")]]),
    rule!(Messages, "messages.webhook_url", "webhook_url", NoPersonalData, false,
        "Messages API per-message webhook URL ([SDK-node] @vonage/messages `webhookUrl`; wire spelling `webhook_url` and its status NOT CONFIRMED, vonage-facts §8)",
        Always, [&[Key("webhook_url")]]),
];

/// Every rule of the guidance, in a fixed order (what `erasekit lint --rules` prints).
pub fn guard_rules() -> Vec<GuardRule> {
    RULES.iter().map(|def| def.rule.clone()).collect()
}
