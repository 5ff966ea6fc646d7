//! TLS for the PersonaPlex link: rustls 0.23 on the `ring` provider, HTTP/1.1 only.

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// How the link decides whether to trust the PersonaPlex server's certificate.
#[derive(Debug, Clone)]
pub enum TrustPolicy<'a> {
    /// The public web PKI (webpki-roots).
    PublicRoots,
    /// Only certificates signed by the CA(s) in this PEM file (e.g. mkcert's root).
    CaFile(&'a Path),
    /// Anything. PersonaPlex ships with a self-signed certificate; on a private network this is
    /// the operator's explicit choice, never a default.
    AcceptInvalid,
}

/// Builds the rustls client config the link's awc connector uses.
///
/// ALPN offers only `http/1.1`: a WebSocket upgrade needs HTTP/1.1, and a server that picked h2
/// would fail the upgrade.
pub fn client_config(policy: TrustPolicy<'_>) -> Result<Arc<ClientConfig>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup: {e}"))?;
    let mut config = match policy {
        TrustPolicy::PublicRoots => {
            let roots = RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        TrustPolicy::CaFile(path) => {
            let mut roots = RootCertStore::empty();
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("cannot read CA file {}: {e}", path.display()))?;
            for cert in certs {
                let cert = cert.map_err(|e| format!("bad PEM in {}: {e}", path.display()))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("bad certificate in {}: {e}", path.display()))?;
            }
            if roots.is_empty() {
                return Err(format!(
                    "no certificate found in CA file {}",
                    path.display()
                ));
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        TrustPolicy::AcceptInvalid => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate { provider }))
            .with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A verifier that accepts any certificate but still checks the handshake signatures, so the
/// connection is at least bound to the key the server presented.
#[derive(Debug)]
struct AcceptAnyCertificate {
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_policy_offers_only_http11() {
        for policy in [TrustPolicy::PublicRoots, TrustPolicy::AcceptInvalid] {
            let config = client_config(policy).unwrap();
            assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
        }
    }

    #[test]
    fn missing_or_empty_ca_file_is_a_clear_error() {
        let err = client_config(TrustPolicy::CaFile(Path::new("/nonexistent/ca.pem"))).unwrap_err();
        assert!(err.contains("/nonexistent/ca.pem"), "{err}");
        let empty =
            std::env::temp_dir().join(format!("switchboard-empty-ca-{}.pem", std::process::id()));
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let err = client_config(TrustPolicy::CaFile(&empty)).unwrap_err();
        assert!(err.contains("no certificate"), "{err}");
        let _ = std::fs::remove_file(empty);
    }
}
