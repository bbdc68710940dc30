//! What the guard knows besides the payload: the identifiers the ledger links to subjects, the
//! customer's own numbers, the numbers and domains reserved as placeholders; and how a finding
//! shows what it found without repeating it.

use super::scan::Phone;
use crate::error::Result;
use crate::ledger::identifier::Identifier;
use serde::Deserialize;

/// What the host knows: identifiers the ledger links to subjects (always findings, wherever they
/// appear), and the customer's own numbers (never findings).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnownIdentifiers {
    /// Identifiers linked to a subject (`{ "kind": "phone", "value": "+447700900123" }`),
    /// e.g. every identifier of the ledger, or those of the subject the payload is sent for.
    #[serde(default)]
    pub subject_identifiers: Vec<Identifier>,
    /// The customer's own numbers (its Vonage virtual numbers, its support line), in any notation
    /// [`Identifier::phone`] reads.
    #[serde(default)]
    pub customer_numbers: Vec<String>,
}

/// The known identifiers in normalised form, ready to compare.
pub(crate) struct Known {
    subject_phones: Vec<String>,
    subject_users: Vec<String>,
    customer: Vec<String>,
}

impl Known {
    /// Normalises the customer's numbers; an unreadable one is `invalid_phone`.
    pub(crate) fn new(known: &KnownIdentifiers) -> Result<Known> {
        let mut subject_phones = Vec::new();
        let mut subject_users = Vec::new();
        for id in &known.subject_identifiers {
            match id.msisdn() {
                Some(digits) => subject_phones.push(digits.to_owned()),
                None => subject_users.push(id.value().to_owned()),
            }
        }
        let customer = known
            .customer_numbers
            .iter()
            .map(|n| Identifier::phone(n).map(|id| id.msisdn().unwrap_or_default().to_owned()))
            .collect::<Result<_>>()?;
        Ok(Known {
            subject_phones,
            subject_users,
            customer,
        })
    }

    /// The subject's phone (digits, no `+`) that a run of digits spells, if any.
    pub(crate) fn subject_phone_in(&self, run: &str) -> Option<&str> {
        let run = run.strip_prefix("00").unwrap_or(run);
        self.subject_phones
            .iter()
            .find(|id| same_number(id, run))
            .map(String::as_str)
    }

    /// Conversation users linked to a subject that appear in `text`.
    pub(crate) fn subject_users_in<'a>(&'a self, text: &str) -> Vec<&'a str> {
        self.subject_users
            .iter()
            .filter(|u| text.contains(u.as_str()))
            .map(String::as_str)
            .collect()
    }

    /// True when `phone` is one of the customer's numbers.
    pub(crate) fn is_customer(&self, phone: &Phone) -> bool {
        let digits = phone.trim_start_matches('+');
        self.customer.iter().any(|own| same_number(own, digits))
    }

    /// True when the customer's numbers were given (so a number not among them is a finding in
    /// a field meant for them).
    pub(crate) fn has_customer_numbers(&self) -> bool {
        !self.customer.is_empty()
    }
}

/// `e164` (digits, no `+`) and `found` (digits: international without `+`, or national with its
/// trunk `0`) are the same number: equal, or `found` is `e164` without a 1-3 digit country code.
fn same_number(e164: &str, found: &str) -> bool {
    if e164 == found {
        return true;
    }
    match found.strip_prefix('0') {
        Some(national) if national.len() >= 6 => e164
            .strip_suffix(national)
            .is_some_and(|cc| (1..=3).contains(&cc.len())),
        _ => false,
    }
}

/// Numbers reserved for fiction and examples: Ofcom's drama ranges 07700 900000-900999 and
/// 020 7946 0000-0999 (UK), and 555-0100 to 555-0199 in every North American area code.
pub(crate) fn is_placeholder_phone(phone: &Phone) -> bool {
    let uk = |rest: &str| {
        [("7700900", 3), ("2079460", 3)].iter().any(|(prefix, n)| {
            rest.strip_prefix(prefix)
                .is_some_and(|tail| tail.len() == *n)
        })
    };
    if let Some(rest) = phone
        .strip_prefix("+44")
        .or_else(|| phone.strip_prefix('0'))
    {
        if uk(rest) {
            return true;
        }
    }
    phone
        .strip_prefix("+1")
        .filter(|d| d.len() == 10)
        .is_some_and(|d| &d[3..8] == "55501")
}

/// Domains reserved for examples (RFC 2606, RFC 6761): `example.com/.net/.org` and the
/// `.example`, `.test`, `.invalid`, `.localhost` top-level domains.
pub(crate) fn is_placeholder_email(address: &str) -> bool {
    let host = address.rsplit_once('@').map_or("", |(_, h)| h);
    let reserved_tld = ["example", "test", "invalid", "localhost"];
    let reserved = ["example.com", "example.net", "example.org"];
    reserved
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
        || host
            .rsplit('.')
            .next()
            .is_some_and(|tld| reserved_tld.contains(&tld))
}

/// A phone number with all but its first three and last two characters hidden.
pub(crate) fn mask_phone(phone: &str) -> String {
    mask(phone, 3, 2)
}

/// An address with the user and the domain name hidden but their first letters and the TLD.
pub(crate) fn mask_email(address: &str) -> String {
    let Some((user, host)) = address.rsplit_once('@') else {
        return mask(address, 1, 0);
    };
    let (name, tld) = host.rsplit_once('.').unwrap_or((host, ""));
    format!("{}@{}.{tld}", mask(user, 1, 0), mask(name, 1, 0))
}

/// An identifier with its kind's prefix (`USR-`) and last two characters shown.
pub(crate) fn mask_identifier(value: &str) -> String {
    mask(value, 4, 2)
}

fn mask(text: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= head + tail + 2 {
        return "*".repeat(chars.len().max(3));
    }
    let hidden = chars.len() - head - tail;
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(hidden));
    out.extend(&chars[chars.len() - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_masks() {
        assert!(is_placeholder_phone(&"+447700900123".to_owned()));
        assert!(is_placeholder_phone(&"02079460999".to_owned()));
        assert!(is_placeholder_phone(&"+12015550123".to_owned()));
        assert!(!is_placeholder_phone(&"+14155552671".to_owned()));
        assert!(is_placeholder_email("jo@mail.example.org"));
        assert!(is_placeholder_email("jo@host.test"));
        assert!(!is_placeholder_email("jo@examples.com"));
        assert_eq!(mask_phone("+14155552671"), "+14*******71");
        assert_eq!(mask_email("jo.doe@mail.co"), "j*****@m***.co");
        assert!(same_number("447700900123", "07700900123"));
        assert!(!same_number("447700900123", "0900123"));
    }
}
