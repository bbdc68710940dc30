//! Times crossing into the core: `int` milliseconds since the epoch, or an aware `datetime`.
//!
//! The core takes `UnixMillis` (`u64`, at most 2^53 − 1). Python callers may pass either an
//! `int` of milliseconds or a timezone-aware `datetime.datetime`, which is converted here
//! exactly (integer arithmetic on `timedelta`, no float rounding). Naive datetimes are refused:
//! their meaning depends on the machine's timezone.

use crate::arguments::type_name;
use crate::errors::{invalid_argument, raise};
use erasekit_core::{check_time, Error, UnixMillis};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyInt, PyType};

static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static EPOCH: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static ONE_MILLISECOND: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Reads a required time argument.
pub(crate) fn unix_millis(field: &'static str, value: &Bound<'_, PyAny>) -> PyResult<UnixMillis> {
    let py = value.py();
    if value.is_instance_of::<PyBool>() {
        return Err(expected(field, value));
    }
    if value.is_instance_of::<PyInt>() {
        return from_int(field, value);
    }
    if value.is_instance(DATETIME.import(py, "datetime", "datetime")?)? {
        if value.call_method0("utcoffset")?.is_none() {
            return Err(raise(Error::InvalidTime {
                field,
                reason:
                    "a naive datetime has no timezone; pass an aware one (e.g. tzinfo=timezone.utc)"
                        .into(),
            }));
        }
        let millis = value.sub(epoch(py)?)?.floor_div(one_millisecond(py)?)?;
        return from_int(field, &millis);
    }
    Err(expected(field, value))
}

/// Reads an optional time argument (`None` stays `None`).
pub(crate) fn optional_unix_millis(
    field: &'static str,
    value: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<UnixMillis>> {
    match value {
        Some(v) if !v.is_none() => unix_millis(field, v).map(Some),
        _ => Ok(None),
    }
}

fn from_int(field: &'static str, value: &Bound<'_, PyAny>) -> PyResult<UnixMillis> {
    let millis = value.extract::<u64>().map_err(|_| {
        raise(Error::InvalidTime {
            field,
            reason: format!(
                "{} is not between 0 and 2^53-1 milliseconds since the epoch",
                value
                    .str()
                    .map(|s| s.to_string())
                    .unwrap_or_else(|_| "the value".into())
            ),
        })
    })?;
    check_time(field, millis).map_err(raise)
}

fn expected(field: &'static str, value: &Bound<'_, PyAny>) -> PyErr {
    invalid_argument(
        field,
        format!(
            "expected int milliseconds since the epoch or an aware datetime, got {}",
            type_name(value)
        ),
    )
}

/// `datetime(1970, 1, 1, tzinfo=timezone.utc)`.
fn epoch(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    let epoch = EPOCH.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let utc = py.import("datetime")?.getattr("timezone")?.getattr("utc")?;
        let datetime = DATETIME.import(py, "datetime", "datetime")?;
        Ok(datetime.call1((1970, 1, 1, 0, 0, 0, 0, utc))?.unbind())
    })?;
    Ok(epoch.bind(py))
}

/// `timedelta(milliseconds=1)`.
fn one_millisecond(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    let unit = ONE_MILLISECOND.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let timedelta = py.import("datetime")?.getattr("timedelta")?;
        Ok(timedelta.call1((0, 0, 0, 1))?.unbind())
    })?;
    Ok(unit.bind(py))
}
