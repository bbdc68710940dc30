//! Time as the host hands it in, and the GDPR deadline computed from it.

pub(crate) mod deadline;
pub(crate) mod timestamp;
