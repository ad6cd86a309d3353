//! Fuzzes the model-file loader. Raw bytes almost never pass the SHA-256 check, so each input
//! is also wrapped as the payload of a file with a valid header and checksum: that reaches the
//! postcard decoder and the dimension checks, and a model that loads is used to predict.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_classifier::model::{Model, FORMAT_VERSION};
use sha2::{Digest, Sha256};
use std::path::Path;

const TEXTS: [&str; 3] = [
    "We collect your e-mail address and share it with advertising partners.",
    "Ünïcode ＤＡＴＡ is kept for two years.",
    "",
];

fuzz_target!(|data: &[u8]| {
    let _ = Model::from_bytes(data, Path::new("raw.model"));
    let mut file = Vec::with_capacity(data.len() + 44);
    file.extend_from_slice(b"PCLSMDL\n");
    file.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    file.extend_from_slice(&Sha256::digest(data));
    file.extend_from_slice(data);
    let Ok(m) = Model::from_bytes(&file, Path::new("wrapped.model")) else {
        return;
    };
    let nl = m.labels().len();
    let p = m.probabilities(&TEXTS);
    assert_eq!(p.len(), TEXTS.len() * nl);
    for (i, &pi) in p.iter().enumerate() {
        let _ = m.decide(i % nl, pi);
    }
    let _ = m.to_bytes();
});
