//! The third-party data policy of access.md §13 (Art. 15(4)): what the copy may show of other
//! people. Numbers of others are withheld by default; the report counts what was withheld.

use serde::{Deserialize, Serialize};

/// Keep a value or withhold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeepOrWithhold {
    /// Shown in the report.
    Keep,
    /// Replaced by `null` and counted.
    Withhold,
}

/// Include a value or exclude it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncludeOrExclude {
    /// Shown in the report.
    Include,
    /// Withheld by policy and counted.
    Exclude,
}

/// The policy; defaults: third-party numbers withheld, everything else shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThirdPartyPolicy {
    /// Numbers of people other than the subject and the controller.
    pub third_party_numbers: KeepOrWithhold,
    /// The controller's own numbers and sender ids.
    pub controller_parties: KeepOrWithhold,
    /// Message bodies.
    pub content: IncludeOrExclude,
    /// Number Insight owner names (the number's registered owner, maybe not the requester).
    pub carrier_registered_name: IncludeOrExclude,
}

impl Default for ThirdPartyPolicy {
    fn default() -> Self {
        ThirdPartyPolicy {
            third_party_numbers: KeepOrWithhold::Withhold,
            controller_parties: KeepOrWithhold::Keep,
            content: IncludeOrExclude::Include,
            carrier_registered_name: IncludeOrExclude::Include,
        }
    }
}
