//! `erasekit.ErasureJob`: the core's sans-IO erasure job, method for method.
//!
//! The raw protocol (`poll_request`, `handle_response`, `handle_failure`, `poll_event`,
//! `poll_timeout`, `snapshot`, `restore`, `receipt`) maps one-to-one onto the core; calls,
//! events and counts are dicts with the core's field names. `erasekit.ErasureJob` is the
//! Python subclass in `erasekit/job.py`, which adds the driver (`run`, `run_async`).

use crate::arguments::{api_base, binary, keywords, text, type_name};
use crate::credentials::Credentials;
use crate::errors::{invalid_argument, raise};
use crate::http::response_from_dict;
use crate::plan::{integer, ErasurePlan};
use crate::time::unix_millis;
use erasekit_core::{Auth, Error, JobConfig, TransportFailure};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// An erasure job: drives a plan at Vonage's limits; resumable from a snapshot.
#[pyclass(module = "erasekit._native", name = "ErasureJob", subclass)]
#[repr(transparent)]
pub struct ErasureJob(erasekit_core::ErasureJob);

/// Eight random bytes from `os.urandom`, for a job built without a seed.
fn random_seed(py: Python<'_>) -> PyResult<u64> {
    let bytes: Vec<u8> = py.import("os")?.call_method1("urandom", (8,))?.extract()?;
    let mut seed = [0u8; 8];
    seed.copy_from_slice(&bytes[..8]);
    Ok(u64::from_le_bytes(seed))
}

#[pymethods]
impl ErasureJob {
    /// A job for `plan`. Settings left at `None` take the core's defaults (170/s, 32 in flight,
    /// 8 attempts, ...); `seed` defaults to 8 bytes of `os.urandom`, `job_id` to one derived
    /// from the seed. Given a job instead of a plan, a copy of it (how `restore` makes the
    /// Python subclass).
    #[new]
    #[pyo3(signature = (plan, **config))]
    fn new(
        py: Python<'_>,
        plan: &Bound<'_, PyAny>,
        config: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        if let Ok(job) = plan.cast::<ErasureJob>() {
            return Ok(ErasureJob(job.borrow().0.clone()));
        }
        let plan = plan.cast::<ErasurePlan>().map_err(|_| {
            invalid_argument(
                "plan",
                format!("expected erasekit.ErasurePlan, got {}", type_name(plan)),
            )
        })?;
        let seeded = match config {
            Some(c) => c.get_item("seed")?.is_some_and(|s| !s.is_none()),
            None => false,
        };
        let mut settings: JobConfig = keywords(config)?;
        if !seeded {
            settings.seed = random_seed(py)?;
        }
        let plan = plan.borrow().0.clone();
        erasekit_core::ErasureJob::new(plan, settings)
            .map(ErasureJob)
            .map_err(raise)
    }

    /// A job from `snapshot()` output; in-flight calls of the snapshot are sent again.
    #[staticmethod]
    fn restore(snapshot: &Bound<'_, PyAny>) -> PyResult<Self> {
        let snapshot = text("snapshot", snapshot)?;
        erasekit_core::ErasureJob::restore(&snapshot)
            .map(ErasureJob)
            .map_err(raise)
    }

    /// The job id (also the receipt id).
    #[getter]
    fn job_id(&self) -> &str {
        self.0.job_id()
    }

    /// Starts no call at or after `until` (ms; `None`: no limit): the local deadline of the
    /// run's lease on its job in a ledger, set by the drivers.
    #[pyo3(signature = (until))]
    fn hold_until(&mut self, until: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let until = crate::time::optional_unix_millis("until", until)?;
        self.0.hold_until(until);
        Ok(())
    }

    /// The subject the job erases (personal data).
    #[getter]
    fn subject(&self) -> &str {
        &self.0.plan().subject
    }

    /// A copy of the plan this job runs.
    #[getter]
    fn plan(&self) -> ErasurePlan {
        ErasurePlan(self.0.plan().clone())
    }

    /// The settings, as a dict (`rate_per_second`, `max_in_flight`, ..., `seed`, `job_id`).
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, self.0.config())?)
    }

    /// The next call to send now, or `None`: `{"call_id", "op", "request"}`. Poll until
    /// `None` after construction, after every `handle_*` and when `poll_timeout` is reached.
    #[pyo3(signature = (now, credentials, base_url=None))]
    fn poll_request<'py>(
        &mut self,
        py: Python<'py>,
        now: &Bound<'py, PyAny>,
        credentials: &Bound<'py, PyAny>,
        base_url: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let now = unix_millis("now", now)?;
        let credentials = credentials.cast::<Credentials>().map_err(|_| {
            invalid_argument(
                "credentials",
                format!(
                    "expected erasekit.Credentials, got {}",
                    type_name(credentials)
                ),
            )
        })?;
        let base = api_base(base_url)?;
        let auth = Auth {
            credentials: &credentials.get().0,
            base: &base,
        };
        match self.0.poll_request(now, auth) {
            Some(call) => Ok(Some(pythonize::pythonize(py, &call)?)),
            None => Ok(None),
        }
    }

    /// Feeds the response to call `call_id` (a dict with `status`, `headers`, `body`).
    fn handle_response(
        &mut self,
        call_id: &Bound<'_, PyAny>,
        response: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let call_id: u64 = integer("call_id", call_id)?;
        let response = response_from_dict(response)?;
        let now = unix_millis("now", now)?;
        self.0
            .handle_response(call_id, &response, now)
            .map_err(raise)
    }

    /// Reports that call `call_id` got no answer: the core's `TransportFailure` as plain data.
    fn handle_failure(
        &mut self,
        call_id: &Bound<'_, PyAny>,
        failure: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let call_id: u64 = integer("call_id", call_id)?;
        let failure: TransportFailure = pythonize::depythonize(failure)
            .map_err(|e| invalid_argument("failure", e.to_string()))?;
        let now = unix_millis("now", now)?;
        self.0.handle_failure(call_id, &failure, now).map_err(raise)
    }

    /// The next event (a dict keyed by `"event"`), or `None`. Poll after every
    /// `poll_request` and `handle_*`.
    fn poll_event<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.0.poll_event() {
            Some(event) => Ok(Some(pythonize::pythonize(py, &event)?)),
            None => Ok(None),
        }
    }

    /// Every pending event, oldest first.
    fn poll_events<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let events = PyList::empty(py);
        while let Some(event) = self.0.poll_event() {
            events.append(pythonize::pythonize(py, &event)?)?;
        }
        Ok(events)
    }

    /// When the job next wants `poll_request` called (ms since the epoch); `None` while it
    /// waits only on answers, or is finished.
    fn poll_timeout(&mut self, now: &Bound<'_, PyAny>) -> PyResult<Option<u64>> {
        Ok(self.0.poll_timeout(unix_millis("now", now)?))
    }

    /// Before the driver sleeps with `calls_out` calls sent and not yet answered: raises
    /// `JobError` `job_waiting` (`wait_for_premature=False` at a wait for the one-hour rule)
    /// or `job_stalled` (nothing to send ever again and nothing out); the run then stops.
    fn check_idle(&mut self, now: &Bound<'_, PyAny>, calls_out: u64) -> PyResult<()> {
        let now = unix_millis("now", now)?;
        self.0.check_idle(now, calls_out).map_err(raise)
    }

    /// Whether enough answers came since the last `checkpoint()` (the job's
    /// `checkpoint_every`) that the driver should save one.
    fn checkpoint_due(&self) -> bool {
        self.0.checkpoint_due()
    }

    /// The snapshot to save now; starts counting answers towards the next checkpoint.
    fn checkpoint(&mut self) -> String {
        self.0.checkpoint()
    }

    /// The job `job_id` from the snapshot a ledger holds for it (`None`: no such job, which is
    /// `InputError` `job_not_found`).
    #[staticmethod]
    #[pyo3(name = "_resume", signature = (job_id, snapshot))]
    fn resume(job_id: &Bound<'_, PyAny>, snapshot: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let job_id = text("job_id", job_id)?;
        let snapshot = snapshot.map(|s| text("snapshot", s)).transpose()?;
        erasekit_core::ErasureJob::resume(&job_id, snapshot.as_deref())
            .map(ErasureJob)
            .map_err(raise)
    }

    /// The core's `aborted` error for this job (the driver adds `.snapshot` and `.job_id`).
    fn _aborted<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        raise(Error::Aborted {
            job_id: self.0.job_id().to_owned(),
        })
        .into_value(py)
        .into_bound(py)
        .into_any()
    }

    /// True when every operation has reached its terminal state.
    fn is_finished(&self) -> bool {
        self.0.is_finished()
    }

    /// Counts of operations by state, plus `in_flight`, `retries`, `rate_limited` and
    /// `finished` (the core's `Counts::finished`).
    fn counts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let counts = self.0.counts();
        let dict = pythonize::pythonize(py, &counts)?.cast_into::<PyDict>()?;
        dict.set_item("finished", counts.finished())?;
        Ok(dict.into_any())
    }

    /// Calls sent over the job's life (retries included; kept by snapshots). Operations that
    /// end without a call (stopped groups, expired, skipped) are not in it: a rate is
    /// `calls_sent` over time.
    #[getter]
    fn calls_sent(&self) -> u64 {
        self.0.calls_sent()
    }

    /// The job as JSON text: plan, progress, limiter. Never credentials or tokens.
    fn snapshot(&self) -> String {
        self.0.snapshot()
    }

    /// The signed receipt of a finished job, as a dict `{"receipt": ..., "signature": ...}`.
    /// `signing_key` is a 32-byte Ed25519 seed. Raises `JobError` before the job finished.
    fn receipt<'py>(
        &self,
        py: Python<'py>,
        signing_key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let key = binary("signing_key", signing_key)?;
        // The core's finish step; its receipt is JSON text, read by `json.loads` (C).
        let finished = self.0.finish(&key).map_err(raise)?;
        py.import("json")?
            .call_method1("loads", (finished.receipt,))
    }

    fn __repr__(&self) -> String {
        let c = self.0.counts();
        format!(
            "ErasureJob(job_id={:?}, total={}, finished={}, in_flight={})",
            self.0.job_id(),
            c.total,
            c.finished(),
            c.in_flight
        )
    }
}
