//! Confirmation emails: what they say, and delivering them over SMTP from the outbox.
//!
//! A booking only *enqueues* its email (see [`super::outbox`]); [`deliver_due`] sends what is
//! due and records the result, so a slow or failing mail server never holds up a call and a
//! temporary failure is retried instead of lost.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::civil::DateTime;
use jiff::Timestamp;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

use super::business::Business;
use super::outbox::OutboxEmail;
use super::sentences::spoken_datetime;
use super::store::{Store, StoreError};
use super::BookingDetails;

/// How to reach the SMTP server (config section `[email]`). The default points at a local
/// test sink, so a fresh install works without a real mail account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmailConfig {
    /// Whether confirmation emails are queued at all (checked by the caller, not by [`Mailer`]).
    pub enabled: bool,
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// Empty means no AUTH.
    pub username: String,
    pub password: String,
    /// The From header, "Name <address>".
    pub from: String,
    /// Limit for each SMTP exchange step, including connecting.
    pub timeout_secs: u64,
}

impl Default for EmailConfig {
    fn default() -> Self {
        EmailConfig {
            enabled: true,
            host: "127.0.0.1".into(),
            port: 2525,
            security: SmtpSecurity::None,
            username: String::new(),
            password: String::new(),
            from: "Bright Plumbing <bookings@brightplumbing.example>".into(),
            timeout_secs: 20,
        }
    }
}

/// How the SMTP connection is protected: "none" (plain, for a local relay or test sink),
/// "starttls" (submission port 587) or "tls" (implicit TLS, port 465).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    #[default]
    None,
    StartTls,
    Tls,
}

/// Why an email was not delivered, split by what the outbox should do about it.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("email config: {0}")]
    Config(String),
    #[error("cannot send to {address:?}: {reason}")]
    BadAddress { address: String, reason: String },
    /// A 5xx reply: retrying will not help.
    #[error("the SMTP server refused the email ({code}): {message}")]
    Refused { code: String, message: String },
    /// A 4xx reply (greylisting, mailbox busy): retry later.
    #[error("the SMTP server deferred the email ({code}): {message}")]
    Deferred { code: String, message: String },
    /// Could not connect, TLS failed, timed out, or the server broke the protocol.
    #[error("SMTP exchange with {server} failed: {detail}")]
    Transport { server: String, detail: String },
}

impl MailError {
    /// True when sending the same email again cannot succeed, so the outbox gives it up now.
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            MailError::Config(_) | MailError::BadAddress { .. } | MailError::Refused { .. }
        )
    }
}

/// What a confirmation email confirms: a new booking, or one that replaces an earlier booking
/// (`id`, which was at `start`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    New,
    /// A correction made in the same call ("no, 2:30").
    Replaces {
        id: i64,
        start: DateTime,
    },
    /// The caller moved an appointment made earlier.
    Moves {
        id: i64,
        start: DateTime,
    },
}

/// The subject and plain-text body confirming `details` (appointment `appointment_id`).
pub fn confirmation_email(
    business: &Business,
    details: &BookingDetails,
    appointment_id: i64,
    kind: Confirmation,
) -> (String, String) {
    let start = details.start();
    let subject = match kind {
        Confirmation::New => "Your",
        Confirmation::Replaces { .. } => "Changed: your",
        Confirmation::Moves { .. } => "Moved: your",
    };
    let subject = format!(
        "{subject} {} appointment: {}",
        business.name,
        spoken_datetime(start)
    );
    // Written form with year and zone abbreviation ("CST"), unlike the spoken one: an email is
    // kept and read later, possibly elsewhere.
    let written = |at: DateTime| match at.to_zoned_datetime(business.tz()) {
        Ok(z) => z.strftime("%A, %B %-d, %Y at %-I:%M %p %Z").to_string(),
        Err(_) => at.strftime("%A, %B %-d, %Y at %-I:%M %p").to_string(),
    };
    let headline = match kind {
        Confirmation::New => format!("Your appointment with {} is booked.", business.name),
        Confirmation::Replaces { id, .. } => format!(
            "Your appointment with {} is changed. This replaces booking #{id}, which is \
             cancelled: please disregard its confirmation.",
            business.name
        ),
        Confirmation::Moves { id, start } => format!(
            "Your appointment with {} is moved from {}. This replaces booking #{id}, which is \
             cancelled.",
            business.name,
            written(start)
        ),
    };
    let service = match business.service(&details.service) {
        Some(s) => format!("{} ({})", s.name, s.price),
        None => details.service.clone(),
    };
    let problem = match details.problem.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() => format!("Problem:  {p}\n"),
        _ => String::new(),
    };
    let body = format!(
        "Hi {name},\n\
         \n\
         {headline}\n\
         \n\
         When:     {when} ({mins} minutes)\n\
         Service:  {service}\n\
         {problem}\
         Address:  {address}\n\
         Phone:    {phone}\n\
         Booking:  #{appointment_id}\n\
         \n\
         To change or cancel, call us or write to {contact}.\n\
         \n\
         {agent} at {biz}\n",
        name = details.name.trim(),
        when = written(start),
        biz = business.name,
        mins = business.appointment_minutes,
        address = details.address.trim(),
        phone = details.phone.trim(),
        contact = business.contact_email,
        agent = business.agent_name,
    );
    (subject, body)
}

/// Sends emails over SMTP. Cheap to clone; each send opens its own connection (confirmations
/// are rare, so no pool to keep alive).
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    server: String,
}

impl Mailer {
    /// Checks the config and prepares the transport; nothing is connected until [`send`].
    ///
    /// [`send`]: Mailer::send
    pub fn new(config: &EmailConfig) -> Result<Self, MailError> {
        let from: Mailbox = config.from.parse().map_err(|e| {
            MailError::Config(format!("from {:?} is not a mailbox: {e}", config.from))
        })?;
        if config.host.trim().is_empty() {
            return Err(MailError::Config("host is empty".into()));
        }
        let tls_params = || {
            TlsParameters::new(config.host.clone())
                .map_err(|e| MailError::Config(format!("TLS setup for {}: {e}", config.host)))
        };
        let tls = match config.security {
            SmtpSecurity::None => Tls::None,
            SmtpSecurity::StartTls => Tls::Required(tls_params()?),
            SmtpSecurity::Tls => Tls::Wrapper(tls_params()?),
        };
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.as_str())
                .port(config.port)
                .tls(tls)
                .timeout(Some(Duration::from_secs(config.timeout_secs.max(1))));
        if !config.username.is_empty() {
            builder = builder.credentials(Credentials::new(
                config.username.clone(),
                config.password.clone(),
            ));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
            server: format!("{}:{}", config.host, config.port),
        })
    }

    /// Sends one plain-text email and waits for the server's verdict.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), MailError> {
        let to_box: Mailbox = to.trim().parse().map_err(|e| MailError::BadAddress {
            address: to.to_string(),
            reason: format!("{e}"),
        })?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to_box)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| MailError::BadAddress {
                address: to.to_string(),
                reason: e.to_string(),
            })?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| self.classify(e))
    }

    fn classify(&self, e: lettre::transport::smtp::Error) -> MailError {
        use std::error::Error as _;
        let message = e.source().map(|s| s.to_string()).unwrap_or_default();
        match e.status() {
            Some(code) if e.is_permanent() => MailError::Refused {
                code: code.to_string(),
                message,
            },
            Some(code) => MailError::Deferred {
                code: code.to_string(),
                message,
            },
            None => MailError::Transport {
                server: self.server.clone(),
                detail: e.to_string(),
            },
        }
    }
}

/// The store operations [`deliver_due`] needs, as futures, so the caller decides where the
/// blocking SQLite work runs (a blocking thread, a sync actor, or inline in a test).
pub trait OutboxAccess {
    fn due(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<OutboxEmail>, StoreError>>;
    fn mark_sent(&self, id: i64, now: Timestamp) -> impl Future<Output = Result<(), StoreError>>;
    /// `permanent`: give the email up now instead of scheduling a retry.
    fn mark_failed(
        &self,
        id: i64,
        error: String,
        permanent: bool,
        now: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>>;
}

/// A store shared behind a mutex; each call runs on tokio's blocking pool.
impl OutboxAccess for Arc<Mutex<Store>> {
    fn due(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<OutboxEmail>, StoreError>> {
        blocking(self.clone(), move |s| s.due_emails(now, limit))
    }

    fn mark_sent(&self, id: i64, now: Timestamp) -> impl Future<Output = Result<(), StoreError>> {
        blocking(self.clone(), move |s| s.mark_email_sent(id, now))
    }

    fn mark_failed(
        &self,
        id: i64,
        error: String,
        permanent: bool,
        now: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> {
        blocking(self.clone(), move |s| {
            if permanent {
                s.mark_email_failed_permanently(id, &error, now)
            } else {
                s.mark_email_failed(id, &error, now)
            }
        })
    }
}

async fn blocking<T: Send + 'static>(
    store: Arc<Mutex<Store>>,
    f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let task = tokio::task::spawn_blocking(move || {
        // A panic elsewhere while holding the lock leaves the connection itself intact.
        let store = store.lock().unwrap_or_else(|p| p.into_inner());
        f(&store)
    });
    match task.await {
        Ok(r) => r,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// Sends the outbox emails due at `now` (at most `limit`), one after another, and records each
/// result: sent, retry later (4xx, network), or given up (5xx, bad address). Returns
/// `(sent, failed)`.
///
/// Run it from one task at a time: the due rows are not claimed, so two concurrent runs could
/// send the same email twice. A store error stops the run (the rest stay due for the next).
pub async fn deliver_due<O: OutboxAccess>(
    mailer: &Mailer,
    outbox: &O,
    now: Timestamp,
    limit: usize,
) -> Result<(usize, usize), StoreError> {
    let (mut sent, mut failed) = (0, 0);
    for email in outbox.due(now, limit).await? {
        match mailer.send(&email.to, &email.subject, &email.body).await {
            Ok(()) => {
                outbox.mark_sent(email.id, now).await?;
                log::info!("email {} sent to {}", email.id, email.to);
                sent += 1;
            }
            Err(e) => {
                let permanent = e.is_permanent();
                log::warn!(
                    "email {} to {} failed (attempt {}, {}): {e}",
                    email.id,
                    email.to,
                    email.attempts + 1,
                    if permanent { "giving up" } else { "will retry" }
                );
                outbox
                    .mark_failed(email.id, e.to_string(), permanent, now)
                    .await?;
                failed += 1;
            }
        }
    }
    Ok((sent, failed))
}

#[cfg(test)]
#[path = "mailer_tests.rs"]
mod tests;
