//! `cancel_appointment {date, time}`: cancels the appointment this call booked at that slot.
//!
//! Only what this call booked: the ToolBridge runs it when the agent cancels within the call
//! ("let me cancel that for you"). It is not offered to the legacy LLM, since a caller
//! cancelling an appointment made on an earlier call would only hear that none was found; the
//! office handles those.

use jiff::civil::{Date, DateTime, Time};
use serde_json::json;

use super::{held_by_call, ToolEnv, ToolReport, ToolRun};
use crate::booking::sentences::spoken_datetime;
use crate::booking::store::{Store, StoreError};

pub const NAME: &str = "cancel_appointment";

/// Cancels this call's live appointment at `date` `time` (the row is kept as cancelled).
pub fn run(
    store: &Store,
    env: &ToolEnv<'_>,
    date: Date,
    time: Time,
) -> Result<ToolRun, StoreError> {
    let start = date.to_datetime(time);
    let cancelled = store.cancel(env.call_sid, start)?;
    Ok(ToolRun {
        report: ToolReport {
            tool: NAME,
            sentence: sentence(cancelled, start),
            booked: held_by_call(store, env)?,
            email_to: None,
            succeeded: cancelled,
            error: None,
        },
        result: json!({ "cancelled": cancelled }),
        email: None,
    })
}

/// "Your appointment on Tuesday March 3rd at 3 PM is cancelled." or that none was found.
pub fn sentence(cancelled: bool, start: DateTime) -> String {
    if cancelled {
        format!(
            "Your appointment on {} is cancelled.",
            spoken_datetime(start)
        )
    } else {
        format!(
            "I couldn't find an appointment of yours on {}.",
            spoken_datetime(start)
        )
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::{date, datetime, time};

    use super::*;
    use crate::booking::store::test_support::{business, details, monday_morning};
    use crate::tools::ToolRequest;

    #[test]
    fn cancels_only_this_calls_appointment_and_says_so() {
        let store = Store::open_in_memory().unwrap();
        let b = business();
        store
            .book("CA1", &details("John", 15), &b, monday_morning())
            .unwrap();
        let env = |sid| ToolEnv {
            call_sid: sid,
            business: &b,
            now: monday_morning(),
            email_enabled: true,
        };
        let cancel = ToolRequest::Cancel {
            date: date(2026, 3, 3),
            time: time(15, 0, 0, 0),
        };
        let other = cancel.run(&store, &env("CA2")).unwrap().report;
        assert_eq!(
            other.sentence,
            "I couldn't find an appointment of yours on Tuesday March 3rd at 3 PM."
        );
        let mine = cancel.run(&store, &env("CA1")).unwrap();
        assert_eq!(
            mine.report.sentence,
            sentence(true, datetime(2026, 3, 3, 15, 0, 0, 0))
        );
        assert_eq!(mine.report.booked, None, "the call holds nothing now");
        assert!(mine.report.succeeded && !other.succeeded);
        assert_eq!(mine.result["cancelled"], true);
    }
}
