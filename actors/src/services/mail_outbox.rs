//! `MailOutbox`: delivers queued emails, and retries them until they go.

use std::time::Duration;

use actix::prelude::*;

use super::StoreHandle;
use crate::booking::mailer::{deliver_due, Mailer};

/// How often the outbox looks for due emails when nobody kicks it.
const POLL: Duration = Duration::from_secs(5);
/// Emails sent per run at most.
const BATCH: usize = 20;

/// Sends what the email outbox table holds, when it is due.
///
/// Emails are written to the outbox table first (in the same breath as the booking), so a mail
/// server that is down loses nothing: this actor retries with the table's backoff. Runs never
/// overlap (the rows are not claimed, so two runs could send one email twice).
pub struct MailOutbox {
    mailer: Mailer,
    store: StoreHandle,
    running: bool,
    /// A kick arrived during a run: run again right after.
    again: bool,
}

impl MailOutbox {
    pub fn new(mailer: Mailer, store: StoreHandle) -> Self {
        MailOutbox {
            mailer,
            store,
            running: false,
            again: false,
        }
    }

    fn run(&mut self, ctx: &mut Context<Self>) {
        if self.running {
            self.again = true;
            return;
        }
        self.running = true;
        let (mailer, store) = (self.mailer.clone(), self.store.clone());
        let delivery = async move {
            deliver_due(&mailer, store.shared(), jiff::Timestamp::now(), BATCH).await
        };
        ctx.spawn(delivery.into_actor(self).map(|result, outbox, ctx| {
            outbox.running = false;
            if let Err(e) = result {
                log::error!("email outbox: store error: {e}");
            }
            if std::mem::take(&mut outbox.again) {
                outbox.run(ctx);
            }
        }));
    }
}

impl Actor for MailOutbox {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        ctx.run_interval(POLL, |outbox, ctx| outbox.run(ctx));
        self.run(ctx);
    }
}

/// New email queued: deliver now rather than at the next poll.
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct KickOutbox;

impl Handler<KickOutbox> for MailOutbox {
    type Result = ();

    fn handle(&mut self, _: KickOutbox, ctx: &mut Context<Self>) {
        self.run(ctx);
    }
}
