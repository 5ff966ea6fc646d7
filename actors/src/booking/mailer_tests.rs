//! Mailer tests. The SMTP ones run a real server (`tests/peers/smtp_sink.py`, aiosmtpd) on
//! loopback and check what it actually received.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use jiff::SignedDuration;

use super::*;
use crate::booking::outbox::EmailStatus;
use crate::booking::store::test_support::{business, details, monday_morning, TempDir};

/// The SMTP sink as a child process, killed on drop (pass or fail).
struct SmtpSink {
    child: Child,
    port: u16,
    maildir: PathBuf,
    _dir: TempDir,
}

impl SmtpSink {
    fn start(args: &[&str]) -> SmtpSink {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let python = std::env::var_os("SWITCHBOARD_PEER_PYTHON")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo.join(".venv/bin/python"));
        assert!(
            python.exists(),
            "the test peers' Python venv is missing ({}): run scripts/test, which creates it",
            python.display()
        );
        let dir = TempDir::new("smtp-sink");
        let maildir = dir.path().join("mail");
        let mut child = Command::new(python)
            .arg(repo.join("tests/peers/smtp_sink.py"))
            .args(["--port", "0", "--maildir"])
            .arg(&maildir)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the SMTP sink");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("READY ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("SMTP sink did not say READY <port>, said {line:?}"));
        SmtpSink {
            child,
            port,
            maildir,
            _dir: dir,
        }
    }

    fn config(&self) -> EmailConfig {
        EmailConfig {
            port: self.port,
            timeout_secs: 10,
            ..EmailConfig::default()
        }
    }

    /// The sidecar JSON of every message the sink accepted, in arrival order.
    fn received(&self) -> Vec<serde_json::Value> {
        let Ok(entries) = std::fs::read_dir(&self.maildir) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn confirmation_email_has_every_detail() {
    let (subject, body) = confirmation_email(
        &business(),
        &details("John Smith", 15),
        17,
        Confirmation::New,
    );
    assert_eq!(
        subject,
        "Your Bright Plumbing appointment: Tuesday March 3rd at 3 PM"
    );
    for want in [
        "Hi John Smith,",
        "When:     Tuesday, March 3, 2026 at 3:00 PM CST (60 minutes)",
        "Service:  Drain cleaning ($150)",
        "Address:  42 Oak Street",
        "Phone:    5551234567",
        "Booking:  #17",
        "office@brightplumbing.example",
        "Ava at Bright Plumbing",
    ] {
        assert!(body.contains(want), "missing {want:?} in:\n{body}");
    }
    assert!(body.contains("Your appointment with Bright Plumbing is booked."));
    assert!(!body.contains("Problem:"), "no problem given:\n{body}");
}

#[test]
fn confirmation_email_carries_the_problem_and_what_it_replaces() {
    let mut d = details("John Smith", 15);
    d.service = "Service call".into();
    d.problem = Some("the water heater is making a banging noise".into());
    let (_, body) = confirmation_email(&business(), &d, 17, Confirmation::New);
    assert!(
        body.contains("Problem:  the water heater is making a banging noise\n"),
        "{body}"
    );
    assert!(body.contains("Service:  Service call\n"), "{body}");

    let earlier = jiff::civil::datetime(2026, 3, 3, 14, 0, 0, 0);
    let (subject, body) = confirmation_email(
        &business(),
        &d,
        18,
        Confirmation::Replaces {
            id: 17,
            start: earlier,
        },
    );
    assert!(
        subject.starts_with("Changed: your Bright Plumbing appointment"),
        "{subject}"
    );
    assert!(body.contains("This replaces booking #17"), "{body}");
    assert!(body.contains("Booking:  #18"), "{body}");

    let (subject, body) = confirmation_email(
        &business(),
        &d,
        19,
        Confirmation::Moves {
            id: 18,
            start: earlier,
        },
    );
    assert!(subject.starts_with("Moved: your"), "{subject}");
    assert!(
        body.contains("is moved from Tuesday, March 3, 2026 at 2:00 PM CST"),
        "{body}"
    );
}

#[test]
fn email_config_defaults_and_serde() {
    let d = EmailConfig::default();
    assert!(d.enabled);
    assert_eq!(
        (d.host.as_str(), d.port, d.security),
        ("127.0.0.1", 2525, SmtpSecurity::None)
    );
    assert_eq!(d.from, "Bright Plumbing <bookings@brightplumbing.example>");
    let c: EmailConfig =
        toml::from_str("host = \"smtp.example.com\"\nport = 587\nsecurity = \"starttls\"").unwrap();
    assert_eq!(
        (c.host.as_str(), c.port, c.security),
        ("smtp.example.com", 587, SmtpSecurity::StartTls)
    );
    assert_eq!(c.from, d.from, "unset fields keep their defaults");
    let t: EmailConfig = toml::from_str("security = \"tls\"").unwrap();
    assert_eq!(t.security, SmtpSecurity::Tls);
    assert!(toml::from_str::<EmailConfig>("security = \"ssl\"").is_err());
    assert!(
        toml::from_str::<EmailConfig>("hots = \"x\"").is_err(),
        "typos are refused"
    );
}

#[test]
fn mailer_refuses_a_bad_from() {
    let bad = EmailConfig {
        from: "not an address".into(),
        ..EmailConfig::default()
    };
    let err = Mailer::new(&bad).err().expect("must refuse");
    assert!(matches!(err, MailError::Config(_)), "{err}");
    assert!(err.is_permanent());
    // The TLS modes build (certificate roots load) without connecting.
    for security in [SmtpSecurity::StartTls, SmtpSecurity::Tls] {
        let c = EmailConfig {
            host: "smtp.example.com".into(),
            security,
            ..EmailConfig::default()
        };
        assert!(Mailer::new(&c).is_ok());
    }
}

#[tokio::test]
async fn sends_a_real_email() {
    let sink = SmtpSink::start(&[]);
    let mailer = Mailer::new(&sink.config()).unwrap();
    let mut d = details("John Smith", 15);
    d.problem = Some("a slow drain in the basement".into());
    let (subject, body) = confirmation_email(&business(), &d, 17, Confirmation::New);
    mailer
        .send("john@example.com", &subject, &body)
        .await
        .unwrap();

    let got = sink.received();
    assert_eq!(got.len(), 1, "{got:?}");
    let m = &got[0];
    assert_eq!(m["rcpt_tos"], serde_json::json!(["john@example.com"]));
    assert_eq!(m["mail_from"], "bookings@brightplumbing.example");
    assert_eq!(
        m["from"],
        "Bright Plumbing <bookings@brightplumbing.example>"
    );
    assert_eq!(m["to"], "john@example.com");
    assert_eq!(m["subject"], subject.as_str());
    assert_eq!(m["content_type"], "text/plain");
    assert_eq!(m["body"].as_str().unwrap().trim_end(), body.trim_end());
    // The problem the caller described reached the real mail server.
    assert!(
        m["body"]
            .as_str()
            .unwrap()
            .contains("Problem:  a slow drain in the basement"),
        "{m}"
    );
}

#[tokio::test]
async fn a_refusing_server_gives_a_clear_permanent_error() {
    let sink = SmtpSink::start(&["--refuse"]);
    let mailer = Mailer::new(&sink.config()).unwrap();
    let err = mailer.send("john@example.com", "s", "b").await.unwrap_err();
    match &err {
        MailError::Refused { code, message } => {
            assert_eq!(code, "550");
            assert!(message.contains("Recipient address rejected"), "{message}");
        }
        other => panic!("expected Refused, got {other:?}"),
    }
    assert!(err.is_permanent());
    assert!(err.to_string().contains("refused the email (550)"), "{err}");
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn no_server_is_a_transient_transport_error() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = EmailConfig {
        port,
        timeout_secs: 5,
        ..EmailConfig::default()
    };
    let err = Mailer::new(&config)
        .unwrap()
        .send("john@example.com", "s", "b")
        .await
        .unwrap_err();
    assert!(matches!(err, MailError::Transport { .. }), "{err:?}");
    assert!(!err.is_permanent());
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{port}")),
        "{err}"
    );
}

#[tokio::test]
async fn outbox_retries_after_a_temporary_failure_and_loses_nothing() {
    let sink = SmtpSink::start(&["--fail-first", "1"]);
    let mailer = Mailer::new(&sink.config()).unwrap();
    let store = Arc::new(Mutex::new(Store::open_in_memory().unwrap()));
    let now = monday_morning();
    let (subject, body) = confirmation_email(
        &business(),
        &details("John Smith", 15),
        1,
        Confirmation::New,
    );
    let id = store
        .lock()
        .unwrap()
        .enqueue_email("john@example.com", &subject, &body, Some("CA1"), now)
        .unwrap();

    // First try: the server answers 451; the row stays queued, due 5 s later.
    assert_eq!(deliver_due(&mailer, &store, now, 10).await.unwrap(), (0, 1));
    let row = store.lock().unwrap().outbox().unwrap().remove(0);
    assert_eq!(
        (row.id, row.status, row.attempts),
        (id, EmailStatus::Queued, 1)
    );
    assert_eq!(
        row.next_attempt_at,
        now.checked_add(SignedDuration::from_secs(5)).unwrap()
    );
    assert!(
        row.last_error.as_deref().unwrap_or("").contains("451"),
        "{row:?}"
    );
    assert!(sink.received().is_empty());

    // Not due yet: nothing is tried.
    assert_eq!(deliver_due(&mailer, &store, now, 10).await.unwrap(), (0, 0));

    // When due, it goes through, exactly once.
    let later = row.next_attempt_at;
    assert_eq!(
        deliver_due(&mailer, &store, later, 10).await.unwrap(),
        (1, 0)
    );
    let row = store.lock().unwrap().outbox().unwrap().remove(0);
    assert_eq!((row.status, row.sent_at), (EmailStatus::Sent, Some(later)));
    assert_eq!(
        deliver_due(&mailer, &store, later, 10).await.unwrap(),
        (0, 0)
    );
    let got = sink.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["subject"], subject.as_str());
}

#[tokio::test]
async fn outbox_gives_up_on_refusal_but_keeps_others_going() {
    let sink = SmtpSink::start(&["--refuse"]);
    let mailer = Mailer::new(&sink.config()).unwrap();
    let store = Arc::new(Mutex::new(Store::open_in_memory().unwrap()));
    let now = monday_morning();
    {
        let s = store.lock().unwrap();
        s.enqueue_email("john@example.com", "s", "b", None, now)
            .unwrap();
        s.enqueue_email("not an address", "s", "b", None, now)
            .unwrap();
    }
    assert_eq!(deliver_due(&mailer, &store, now, 10).await.unwrap(), (0, 2));
    let rows = store.lock().unwrap().outbox().unwrap();
    assert!(
        rows.iter().all(|r| r.status == EmailStatus::Failed),
        "{rows:?}"
    );
    assert!(rows[0].last_error.as_deref().unwrap().contains("550"));
    assert!(rows[1]
        .last_error
        .as_deref()
        .unwrap()
        .contains("not an address"));
}
