//! Row layouts: a TF-IDF row as an own part and a context part shared with the other
//! sentences of its paragraph, one at a time ([`RowParts`], what
//! [`Vectoriser::transform_paragraph`] hands out for scoring) or for a whole training set
//! ([`SharedContextRows`], what the sparse solver fits on); and the L2 helpers the transforms
//! use to scale such parts ([`squared_norm`], [`unit_scale`]).
//!
//! [`Vectoriser::transform_paragraph`]: super::Vectoriser::transform_paragraph

use super::SparseRow;

/// The [`SharedContextRows::group`] of a row with no context part.
pub(super) const NO_CONTEXT: u32 = u32::MAX;

/// `Σ v²` of a row's values.
pub(super) fn squared_norm(row: &[(u32, f32)]) -> f32 {
    row.iter().map(|&(_, v)| v * v).sum()
}

/// The factor that L2-normalises a row of squared norm `sq` (1 for an empty row).
pub(super) fn unit_scale(sq: f32) -> f32 {
    if sq > 0.0 {
        1.0 / sq.sqrt()
    } else {
        1.0
    }
}

/// Rows as an own part and a shared context part each: row `i` is
/// `scale[i] × (own[i] ∪ contexts[group[i]])` (no context part when `group[i]` is `u32::MAX`).
/// The sentences of one paragraph share its context part, which holds most of their
/// features, so a solver can compute its dot products and gradient once per paragraph.
#[derive(Debug, Clone, Default)]
pub struct SharedContextRows {
    /// Each row's own features, before scaling.
    pub own: Vec<SparseRow>,
    /// Each row's context part (an index into `contexts`, or `u32::MAX` for none).
    pub group: Vec<u32>,
    /// Each row's L2 normalisation factor.
    pub scale: Vec<f32>,
    /// The context parts, before scaling.
    pub contexts: Vec<SparseRow>,
}

impl SharedContextRows {
    /// Rows that are all their own (already normalised): no shared parts.
    pub fn from_rows(rows: &[SparseRow]) -> Self {
        SharedContextRows {
            own: rows.to_vec(),
            group: vec![NO_CONTEXT; rows.len()],
            scale: vec![1.0; rows.len()],
            contexts: Vec::new(),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.own.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.own.is_empty()
    }

    /// Row `i` as [`RowParts`].
    pub fn parts(&self, i: usize) -> RowParts<'_> {
        let g = self.group[i];
        RowParts {
            own: &self.own[i],
            context: if g == NO_CONTEXT {
                &[]
            } else {
                &self.contexts[g as usize]
            },
            context_serial: if g == NO_CONTEXT { 0 } else { u64::from(g) + 1 },
            scale: self.scale[i],
        }
    }
}

/// One sentence's TF-IDF row as [`Vectoriser::transform_paragraph`] gives it: the row is
/// `scale × (own ∪ context)` (the two hold disjoint features, each sorted). The context part
/// is shared by every sentence of a paragraph that is its sentences' context whole, so a caller
/// can compute anything linear in it (a dot product with the weights) once per
/// `context_serial` instead of once per sentence.
///
/// [`Vectoriser::transform_paragraph`]: super::Vectoriser::transform_paragraph
#[derive(Debug, Clone, Copy)]
pub struct RowParts<'a> {
    /// The sentence's own features (and, when the context is not shared, its context's),
    /// before scaling.
    pub own: &'a [(u32, f32)],
    /// The shared context features before scaling (empty when not shared).
    pub context: &'a [(u32, f32)],
    /// Identifies `context`: equal serials (within one [`Scratch`]) mean the same context
    /// part; 0 means `context` is empty.
    ///
    /// [`Scratch`]: super::Scratch
    pub context_serial: u64,
    /// The L2 normalisation factor of the whole row.
    pub scale: f32,
}

impl<'a> RowParts<'a> {
    /// A row that is all its own (already normalised, no shared context).
    pub(super) fn whole(row: &'a [(u32, f32)]) -> Self {
        RowParts {
            own: row,
            context: &[],
            context_serial: 0,
            scale: 1.0,
        }
    }

    /// The whole row, sorted by feature: what [`Vectoriser::transform_into`] gives for the
    /// sentence in its context (up to float rounding of the norm).
    ///
    /// [`Vectoriser::transform_into`]: super::Vectoriser::transform_into
    pub fn to_row(&self, out: &mut SparseRow) {
        out.clear();
        let (mut a, mut b) = (self.own.iter().peekable(), self.context.iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x.0 < y.0 => a.next(),
                (Some(_), Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, Some(_)) => b.next(),
                (None, None) => break,
            };
            let &(f, v) = next.expect("peeked");
            out.push((f, v * self.scale));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_merge_into_the_scaled_row() {
        let parts = RowParts {
            own: &[(0, 1.0), (4, 2.0)],
            context: &[(1, 3.0), (2, 4.0), (7, 5.0)],
            context_serial: 1,
            scale: 0.5,
        };
        let mut row = vec![(9, 9.0)];
        parts.to_row(&mut row);
        assert_eq!(
            row,
            [(0, 0.5), (1, 1.5), (2, 2.0), (4, 1.0), (7, 2.5)],
            "sorted, scaled, cleared first"
        );
        let rows = vec![vec![(2, 0.6), (3, 0.8)], vec![]];
        let shared = SharedContextRows::from_rows(&rows);
        assert_eq!(shared.len(), 2);
        for (i, want) in rows.iter().enumerate() {
            assert_eq!(shared.parts(i).context_serial, 0);
            shared.parts(i).to_row(&mut row);
            assert_eq!(&row, want);
        }
        assert_eq!(unit_scale(0.0), 1.0);
        assert_eq!(unit_scale(squared_norm(&[(0, 3.0), (1, 4.0)])), 0.2);
    }
}
