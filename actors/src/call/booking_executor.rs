//! `BookingExecutor`: runs the booking tools for one call.

use std::sync::Arc;
use std::time::Instant;

use actix::prelude::*;
use jiff::civil::{Date, DateTime, Time};
use serde_json::json;

use crate::booking::business::Business;
use crate::booking::mailer::confirmation_email;
use crate::booking::sentences::{availability_sentence_at, booking_sentence, spoken_datetime};
use crate::booking::store::StoreError;
use crate::booking::{BookingDetails, BookingOutcome};
use crate::services::{KickOutbox, MailOutbox, StoreHandle};

/// What the ToolBridge (or the fallback pipeline's LLM) asks for.
#[derive(Debug, Clone)]
pub enum ToolRequest {
    CheckAvailability {
        date: Date,
        time: Time,
    },
    /// Books, then queues the confirmation email when the details carry an address.
    Book(BookingDetails),
    Cancel {
        date: Date,
        time: Time,
    },
}

/// Runs one tool request; the answer is a [`ToolReport`].
#[derive(Message, Debug)]
#[rtype(result = "ToolReport")]
pub struct RunTool(pub ToolRequest);

/// What a tool run produced, for the caller (one sentence) and for the call's state.
#[derive(Debug, Clone, MessageResponse)]
pub struct ToolReport {
    /// The tool's name as recorded in `tool_runs`.
    pub tool: &'static str,
    /// One short sentence for the caller.
    pub sentence: String,
    /// The appointment now held by this call, if the run booked (or had booked) one.
    pub booked: Option<(i64, DateTime)>,
    /// Where a confirmation was queued.
    pub email_to: Option<String>,
    /// Set when the tool could not run (store error); the sentence then apologises.
    pub error: Option<String>,
}

/// Runs check_availability, book_appointment and send_confirmation_email for one call.
///
/// Each run is recorded in `tool_runs` (arguments, result, latency, error) and its sentence in
/// the call's notes. The SQLite work happens on the blocking pool via [`StoreHandle`]; runs are
/// handled one at a time (`AtomicResponse`), so a repeated trigger sees the first one's booking.
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
        let email_enabled = self.outbox.is_some();
        let outbox = self.outbox.clone();
        let run = async move {
            let started = Instant::now();
            let (tool, arguments) = describe(&request);
            let outcome = execute(&call_sid, &business, &store, request, email_enabled).await;
            let latency_ms = started.elapsed().as_millis() as u64;
            let report = match outcome {
                Ok(report) => report,
                Err(e) => ToolReport {
                    tool,
                    sentence: "Sorry, I couldn't reach the booking system just now; we'll call you back to confirm.".into(),
                    booked: None,
                    email_to: None,
                    error: Some(e.to_string()),
                },
            };
            if report.email_to.is_some() {
                if let Some(outbox) = outbox {
                    outbox.do_send(KickOutbox);
                }
            }
            let (sid, note, result) = (
                call_sid.clone(),
                report.sentence.clone(),
                json!({ "sentence": report.sentence }),
            );
            let error = report.error.clone();
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

/// The tool name and its arguments as JSON, for the record.
fn describe(request: &ToolRequest) -> (&'static str, serde_json::Value) {
    match request {
        ToolRequest::CheckAvailability { date, time } => (
            "check_availability",
            json!({ "date": date.to_string(), "time": time.to_string() }),
        ),
        ToolRequest::Book(details) => (
            "book_appointment",
            serde_json::to_value(details).unwrap_or_default(),
        ),
        ToolRequest::Cancel { date, time } => (
            "cancel_appointment",
            json!({ "date": date.to_string(), "time": time.to_string() }),
        ),
    }
}

async fn execute(
    call_sid: &str,
    business: &Arc<Business>,
    store: &StoreHandle,
    request: ToolRequest,
    email_enabled: bool,
) -> Result<ToolReport, StoreError> {
    let now = jiff::Timestamp::now();
    match request {
        ToolRequest::CheckAvailability { date, time } => {
            let wanted = date.to_datetime(time);
            let biz = business.clone();
            let availability = store
                .run(move |s| s.check_availability(&biz, wanted, now))
                .await?;
            Ok(ToolReport {
                tool: "check_availability",
                sentence: availability_sentence_at(wanted, &availability),
                booked: None,
                email_to: None,
                error: None,
            })
        }
        ToolRequest::Book(details) => {
            let (sid, biz, d) = (call_sid.to_string(), business.clone(), details.clone());
            let outcome = store.run(move |s| s.book(&sid, &d, &biz, now)).await?;
            let booked = match &outcome {
                BookingOutcome::Booked {
                    appointment_id,
                    start,
                }
                | BookingOutcome::AlreadyBooked {
                    appointment_id,
                    start,
                } => Some((*appointment_id, *start)),
                BookingOutcome::Unavailable { .. } => None,
            };
            // send_confirmation_email: queued in the outbox only for a new booking, so a
            // repeated trigger sends nothing twice; delivery (and retries) is the outbox's job.
            let mut email_to = None;
            if let (BookingOutcome::Booked { appointment_id, .. }, Some(to), true) =
                (&outcome, &details.email, email_enabled)
            {
                let (subject, body) = confirmation_email(business, &details, *appointment_id);
                let (sid, to_addr) = (call_sid.to_string(), to.clone());
                let started = Instant::now();
                let queued = store
                    .run(move |s| s.enqueue_email(&to_addr, &subject, &body, Some(&sid), now))
                    .await;
                let latency_ms = started.elapsed().as_millis() as u64;
                let (sid, args) = (
                    call_sid.to_string(),
                    json!({ "to": to, "appointment_id": appointment_id }).to_string(),
                );
                let (result, error) = match &queued {
                    Ok(id) => (Some(json!({ "outbox_id": id }).to_string()), None),
                    Err(e) => (None, Some(e.to_string())),
                };
                store
                    .run(move |s| {
                        s.record_tool_run(
                            &sid,
                            "send_confirmation_email",
                            &args,
                            result.as_deref(),
                            error.as_deref(),
                            latency_ms,
                        )
                    })
                    .await?;
                if queued.is_ok() {
                    email_to = Some(to.clone());
                }
            }
            Ok(ToolReport {
                tool: "book_appointment",
                sentence: booking_sentence(&outcome, email_to.as_deref()),
                booked,
                email_to,
                error: None,
            })
        }
        ToolRequest::Cancel { date, time } => {
            let start = date.to_datetime(time);
            let sid = call_sid.to_string();
            let cancelled = store.run(move |s| s.cancel(&sid, start)).await?;
            let sentence = if cancelled {
                format!(
                    "Your appointment on {} is cancelled.",
                    spoken_datetime(start)
                )
            } else {
                format!(
                    "I couldn't find an appointment of yours on {}.",
                    spoken_datetime(start)
                )
            };
            Ok(ToolReport {
                tool: "cancel_appointment",
                sentence,
                booked: None,
                email_to: None,
                error: None,
            })
        }
    }
}
