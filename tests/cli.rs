//! The command line as a user meets it: `check-config` and `--help`.

mod support;

use std::process::Command;

use support::*;

fn check_config(config: &std::path::Path, env: &[(&str, &str)]) -> (bool, String, String) {
    let out = Command::new(switchboard_bin())
        .args(["--config", config.to_str().unwrap(), "check-config"])
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn check_config_prints_the_effective_config_without_secrets() {
    let dir = temp_dir("cli-ok");
    let path = dir.join("config.toml");
    std::fs::write(&path, "[signalwire]\nsigning_key = \"sk-secret-value\"\n").unwrap();
    let (ok, stdout, stderr) = check_config(&path, &[("ATLAS_PERSONAPLEX_HOST", "gpu-9.internal")]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("host = \"gpu-9.internal\""), "{stdout}");
    assert!(
        !stdout.contains("sk-secret-value"),
        "secret leaked: {stdout}"
    );
    assert!(stdout.contains("<redacted>"), "{stdout}");
    assert!(stdout.contains("configuration OK"), "{stdout}");
    // The effective persona (built from [business]) and its length, not the empty raw key.
    let prompt_line = stdout
        .lines()
        .find(|l| l.starts_with("# text_prompt ("))
        .unwrap_or_default();
    assert!(
        prompt_line.contains("Bright Plumbing") && !prompt_line.contains("(0 characters)"),
        "{stdout}"
    );
    // The keywords in effect, configured and derived, and the default service.
    assert!(
        stdout.contains("# service \"Drain cleaning\" matches a problem saying: drain, clog"),
        "{stdout}"
    );
    assert!(
        stdout.contains("# service \"Toilet repair\" matches a problem saying: toilet\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("# anything else is booked as \"Service call\""),
        "{stdout}"
    );
}

#[test]
fn shipped_config_checks_out() {
    let (ok, _, stderr) = check_config(&repo().join("config.toml"), &[]);
    assert!(ok, "{stderr}");
}

#[test]
fn check_config_fails_clearly() {
    let dir = temp_dir("cli-bad");
    let path = dir.join("config.toml");
    std::fs::write(&path, "[personaplex]\nhots = \"x\"\n").unwrap();
    let (ok, _, stderr) = check_config(&path, &[]);
    assert!(!ok);
    assert!(stderr.contains("hots"), "{stderr}");

    let (ok, _, stderr) = check_config(&dir.join("missing.toml"), &[]);
    assert!(!ok);
    assert!(stderr.contains("missing.toml"), "{stderr}");

    std::fs::write(&path, "").unwrap();
    let (ok, _, stderr) = check_config(&path, &[("ATLAS_SERVER_PUBLIC_BASE_URL", "not a url")]);
    assert!(!ok);
    assert!(stderr.contains("public_base_url"), "{stderr}");
}
