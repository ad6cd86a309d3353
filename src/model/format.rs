//! The model file: magic bytes, format version, SHA-256 of the payload, then the postcard
//! payload. [`Model::from_bytes`] rejects anything whose dimensions do not agree, so a loaded
//! model is consistent by construction.

use super::Model;
use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Current model file format version. Bump on any incompatible change.
pub const FORMAT_VERSION: u32 = 8;
const MAGIC: &[u8; 8] = b"PCLSMDL\n";

impl Model {
    /// Serialises the model to bytes (magic, format version, SHA-256, postcard payload).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let payload = postcard::to_stdvec(self)
            .map_err(|e| Error::Train(format!("cannot serialise the model: {e}")))?;
        let mut out = Vec::with_capacity(payload.len() + 44);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&Sha256::digest(&payload));
        out.extend_from_slice(&payload);
        Ok(out)
    }

    /// Parses a model from bytes; `path` is only used in error messages.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Model> {
        let err = |message: String| Error::Model {
            path: path.into(),
            message,
        };
        if bytes.is_empty() {
            return Err(err(
                "empty file, not a model: train one with `classify train --model PATH`".into(),
            ));
        }
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(err(
                "not a policy-classifier model file (bad magic bytes)".into()
            ));
        }
        if bytes.len() < 44 {
            return Err(err("truncated model file: retrain or copy it again".into()));
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
        if version != FORMAT_VERSION {
            return Err(err(format!(
                "model format version {version}, but this build reads version {FORMAT_VERSION}: retrain it with this version's `classify train`"
            )));
        }
        let payload = &bytes[44..];
        if Sha256::digest(payload).as_slice() != &bytes[12..44] {
            return Err(err("checksum mismatch: the model file is truncated or corrupt; retrain or copy it again".into()));
        }
        let model: Model = postcard::from_bytes(payload)
            .map_err(|e| err(format!("cannot decode the model: {e}")))?;
        let (nl, k) = (model.labels.len(), model.vectoriser.len());
        if nl == 0
            || model.weights.len() != nl * k
            || model.intercepts.len() != nl
            || model.thresholds.len() != nl
            || !model.vectoriser.is_consistent()
            || model
                .neighbours
                .as_ref()
                .is_some_and(|st| !st.is_consistent(nl))
            || model
                .attributes
                .as_ref()
                .is_some_and(|a| !a.is_consistent(k, nl))
        {
            return Err(err(
                "inconsistent model dimensions: the file is corrupt".into()
            ));
        }
        Ok(model)
    }

    /// Writes the model atomically (temporary file in the same directory, then rename).
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::io::write_atomic(path, &self.to_bytes()?)
    }

    /// Loads a model file.
    pub fn load(path: &Path) -> Result<Model> {
        if path.is_dir() {
            return Err(Error::Model {
                path: path.into(),
                message: "is a directory: --model needs a model file".into(),
            });
        }
        let bytes = std::fs::read(path).map_err(|e| Error::Model {
            path: path.into(),
            message: format!("cannot read: {e}"),
        })?;
        Model::from_bytes(&bytes, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::{Decisions, Probabilities};
    use crate::model::neighbours::NeighbourStage;
    use crate::model::shipped_for_tests as shipped;
    use crate::model::solve::neighbour_fitter;
    use crate::model::TrainParams;
    use crate::sentences::paragraph::Paragraphs;

    #[test]
    fn a_neighbour_stage_of_the_wrong_size_is_rejected_on_load() {
        let mut model = shipped();
        assert!(model.neighbours.is_some());
        // A stage fitted for 2 labels inside a 10-label model (what a corrupt file can decode
        // to) must be an error, not a panic at prediction.
        let probs = [0.9, 0.1, 0.2, 0.6, 0.1, 0.8, 0.7, 0.3];
        let y = [true, false, false, true, false, true, true, false];
        let paragraphs = Paragraphs::runs(&[0, 0, 1, 1]);
        let fit = neighbour_fitter(&TrainParams::default(), 2);
        let probs = Probabilities::from_cells(2, probs.to_vec());
        let y = Decisions::from_cells(2, y.to_vec());
        model.neighbours = Some(NeighbourStage::fit(&probs, &paragraphs, &y, fit).unwrap());
        let bytes = model.to_bytes().unwrap();
        let e = Model::from_bytes(&bytes, Path::new("m.model")).unwrap_err();
        assert!(
            e.to_string().contains("inconsistent model dimensions"),
            "{e}"
        );
    }
}
