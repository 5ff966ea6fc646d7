//! `BookingExecutor`: runs the booking tools for one call.

use std::sync::Arc;
use std::time::Instant;

use actix::prelude::*;
use serde_json::Value;

use crate::booking::business::Business;
use crate::services::{KickOutbox, MailOutbox, StoreHandle};
use crate::tools::{ToolEnv, ToolRun};

pub use crate::tools::{ToolReport, ToolRequest};

/// Runs one tool request; the answer is a [`ToolReport`].
#[derive(Message, Debug)]
#[rtype(result = "ToolReport")]
pub struct RunTool(pub ToolRequest);

/// Runs the [`crate::tools`] for one call, for the ToolBridge and the legacy pipeline alike.
///
/// A thin shell: the tool itself runs on the blocking pool via [`StoreHandle`]; this records
/// each run in `tool_runs` (arguments, result, latency, error; a queued confirmation as a
/// `send_confirmation_email` run of its own), puts its sentence in the call's notes, and kicks
/// the outbox when an email was queued. Runs are handled one at a time (`AtomicResponse`), so a
/// repeated trigger sees the first one's booking.
pub struct BookingExecutor {
    call_sid: String,
    business: Arc<Business>,
    store: StoreHandle,
    /// None when email is disabled.
    outbox: Option<Addr<MailOutbox>>,
}

impl BookingExecutor {
    pub fn new(
        call_sid: String,
        business: Arc<Business>,
        store: StoreHandle,
        outbox: Option<Addr<MailOutbox>>,
    ) -> Self {
        BookingExecutor {
            call_sid,
            business,
            store,
            outbox,
        }
    }
}

impl Actor for BookingExecutor {
    type Context = Context<Self>;
}

impl Handler<RunTool> for BookingExecutor {
    type Result = AtomicResponse<Self, ToolReport>;

    fn handle(&mut self, RunTool(request): RunTool, _ctx: &mut Context<Self>) -> Self::Result {
        let (call_sid, business, store) = (
            self.call_sid.clone(),
            self.business.clone(),
            self.store.clone(),
        );
        let outbox = self.outbox.clone();
        let email_enabled = outbox.is_some();
        let run = async move {
            let started = Instant::now();
            let (tool, arguments) = (request.name(), request.arguments());
            let sid = call_sid.clone();
            let ran = store
                .run(move |s| {
                    let env = ToolEnv {
                        call_sid: &sid,
                        business: &business,
                        now: jiff::Timestamp::now(),
                        email_enabled,
                    };
                    request.run(s, &env)
                })
                .await;
            let latency_ms = started.elapsed().as_millis() as u64;
            let ToolRun {
                report,
                mut result,
                email,
            } = ran.unwrap_or_else(|e| ToolRun {
                report: ToolReport::failed(tool, &e),
                result: Value::Object(Default::default()),
                email: None,
            });
            if email.as_ref().is_some_and(|e| e.queued_to().is_some()) {
                if let Some(outbox) = outbox {
                    outbox.do_send(KickOutbox);
                }
            }
            if let Value::Object(map) = &mut result {
                map.insert("sentence".into(), report.sentence.clone().into());
            }
            let (sid, note, error) = (
                call_sid.clone(),
                report.sentence.clone(),
                report.error.clone(),
            );
            let recorded = store
                .run(move |s| {
                    s.record_tool_run(
                        &sid,
                        tool,
                        &arguments.to_string(),
                        Some(&result.to_string()),
                        error.as_deref(),
                        latency_ms,
                    )?;
                    if let Some(email) = &email {
                        let (result, error) = email.result();
                        s.record_tool_run(
                            &sid,
                            crate::tools::send_confirmation_email::NAME,
                            &email.arguments().to_string(),
                            result.map(|r| r.to_string()).as_deref(),
                            error.as_deref(),
                            email.latency_ms,
                        )?;
                    }
                    s.append_call_note(&sid, &note)
                })
                .await;
            if let Err(e) = recorded {
                log::error!("call {call_sid}: could not record tool run {tool}: {e}");
            }
            log::info!(
                "call {call_sid}: {tool} took {latency_ms} ms: {}",
                report.sentence
            );
            report
        };
        AtomicResponse::new(Box::pin(run.into_actor(self)))
    }
}
