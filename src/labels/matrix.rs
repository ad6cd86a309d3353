//! [`LabelMatrix`]: one value per unit × label, row-major. It owns the `r * n_labels + l`
//! indexing, the construction of gold matrices from label lists, and (through
//! [`Thresholds`]) the one place where probabilities become decisions.

use serde::{Deserialize, Serialize};

/// A units × labels matrix, row-major. Every row has exactly [`LabelMatrix::n_labels`] cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LabelMatrix<T> {
    n_labels: usize,
    cells: Vec<T>,
}

/// Probabilities P(label = true), one row per unit.
pub type Probabilities = LabelMatrix<f32>;

/// Yes/no per unit and label: gold labels or decisions.
pub type Decisions = LabelMatrix<bool>;

impl<T: Copy + Default> LabelMatrix<T> {
    /// `rows` × `n_labels` cells of `T::default()`.
    pub fn new(rows: usize, n_labels: usize) -> Self {
        LabelMatrix {
            n_labels,
            cells: vec![T::default(); rows * n_labels],
        }
    }

    /// A matrix over `cells` given row-major. Panics when `cells.len()` is not a multiple of
    /// `n_labels` (a programming error: every producer writes whole rows).
    pub fn from_cells(n_labels: usize, cells: Vec<T>) -> Self {
        assert!(
            if n_labels == 0 {
                cells.is_empty()
            } else {
                cells.len() % n_labels == 0
            },
            "a label matrix holds whole rows"
        );
        LabelMatrix { n_labels, cells }
    }

    /// Number of labels (columns).
    pub fn n_labels(&self) -> usize {
        self.n_labels
    }

    /// Number of units (rows).
    pub fn rows(&self) -> usize {
        self.cells.len().checked_div(self.n_labels).unwrap_or(0)
    }

    /// The value of unit `r`, label `l`.
    pub fn get(&self, r: usize, l: usize) -> T {
        self.cells[r * self.n_labels + l]
    }

    /// Sets the value of unit `r`, label `l`.
    pub fn set(&mut self, r: usize, l: usize, v: T) {
        self.cells[r * self.n_labels + l] = v;
    }

    /// Row `r`.
    pub fn row(&self, r: usize) -> &[T] {
        &self.cells[r * self.n_labels..(r + 1) * self.n_labels]
    }

    /// Row `r`, mutable.
    pub fn row_mut(&mut self, r: usize) -> &mut [T] {
        &mut self.cells[r * self.n_labels..(r + 1) * self.n_labels]
    }

    /// The rows in order.
    pub fn iter_rows(&self) -> impl Iterator<Item = &[T]> {
        self.cells.chunks(self.n_labels.max(1))
    }

    /// Column `l` (one value per unit).
    pub fn column(&self, l: usize) -> Vec<T> {
        self.cells
            .iter()
            .skip(l)
            .step_by(self.n_labels.max(1))
            .copied()
            .collect()
    }

    /// The rows at `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> Self {
        let mut cells = Vec::with_capacity(rows.len() * self.n_labels);
        for &r in rows {
            cells.extend_from_slice(self.row(r));
        }
        LabelMatrix {
            n_labels: self.n_labels,
            cells,
        }
    }

    /// Copies `rows` of `from` (a matrix of the same labels) into this matrix's rows `at`.
    pub fn scatter(&mut self, at: &[usize], from: &Self) {
        for (i, &r) in at.iter().enumerate() {
            self.row_mut(r).copy_from_slice(from.row(i));
        }
    }

    /// All cells, row-major.
    pub fn as_slice(&self) -> &[T] {
        &self.cells
    }

    /// All cells, row-major, mutable (rows stay whole: the length cannot change).
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.cells
    }

    /// The cells, row-major.
    pub fn into_cells(self) -> Vec<T> {
        self.cells
    }
}

impl LabelMatrix<bool> {
    /// The gold matrix of `rows` (each a list of label names) over the label set `names`:
    /// cell (r, l) is set when row r lists `names[l]`. Names not in `names` are ignored
    /// (callers check labels against the model or the data's label set first).
    pub fn gold<S: AsRef<str>>(names: &[String], rows: &[Vec<S>]) -> Decisions {
        let mut m = Decisions::new(rows.len(), names.len());
        for (r, labs) in rows.iter().enumerate() {
            for lab in labs {
                if let Some(l) = names.iter().position(|x| x == lab.as_ref()) {
                    m.set(r, l, true);
                }
            }
        }
        m
    }

    /// Positive units per label.
    pub fn counts(&self) -> Vec<usize> {
        (0..self.n_labels)
            .map(|l| self.iter_rows().filter(|row| row[l]).count())
            .collect()
    }

    /// Unions rows over groups (segments or documents): one row per distinct key, in order of
    /// first appearance (`keys[r]` is row r's group).
    pub fn union_by<K: std::hash::Hash + Eq + Clone>(&self, keys: &[K]) -> Decisions {
        let nl = self.n_labels;
        let mut index: std::collections::HashMap<K, usize> = std::collections::HashMap::new();
        let mut cells: Vec<bool> = Vec::new();
        for (r, k) in keys.iter().enumerate() {
            let next = index.len();
            let u = *index.entry(k.clone()).or_insert(next);
            if u == next {
                cells.extend(std::iter::repeat_n(false, nl));
            }
            for l in 0..nl {
                cells[u * nl + l] |= self.get(r, l);
            }
        }
        LabelMatrix {
            n_labels: nl,
            cells,
        }
    }
}

/// Per-label decision thresholds: a label is predicted when its probability is at least its
/// threshold. [`Thresholds::passes`] and [`Thresholds::decide`] are the only places a
/// probability becomes a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Thresholds(Vec<f32>);

impl Thresholds {
    /// Thresholds from per-label values.
    pub fn new(values: Vec<f32>) -> Thresholds {
        Thresholds(values)
    }

    /// The same threshold for `n_labels` labels.
    pub fn fixed(n_labels: usize, t: f32) -> Thresholds {
        Thresholds(vec![t; n_labels])
    }

    /// Number of labels.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no labels.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The threshold of label `l`.
    pub fn get(&self, l: usize) -> f32 {
        self.0[l]
    }

    /// The thresholds in label order.
    pub fn as_slice(&self) -> &[f32] {
        &self.0
    }

    /// Whether probability `p` of label `l` passes its threshold.
    pub fn passes(&self, l: usize, p: f32) -> bool {
        p >= self.0[l]
    }

    /// The labels (indices) whose probability in `row` passes, in label order.
    pub fn labels_of(&self, row: &[f32]) -> Vec<usize> {
        (0..row.len()).filter(|&l| self.passes(l, row[l])).collect()
    }

    /// Every cell of `probs` decided.
    pub fn decide(&self, probs: &Probabilities) -> Decisions {
        let nl = probs.n_labels();
        LabelMatrix {
            n_labels: nl,
            cells: probs
                .as_slice()
                .iter()
                .enumerate()
                .map(|(i, &p)| self.passes(i % nl, p))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gold_rows_union_and_columns() {
        let names = vec!["a".to_string(), "b".into()];
        let g = Decisions::gold(&names, &[vec!["b"], vec![], vec!["a", "b", "zzz"]]);
        assert_eq!((g.rows(), g.n_labels()), (3, 2));
        assert_eq!(g.as_slice(), [false, true, false, false, true, true]);
        assert_eq!(g.column(1), [true, false, true]);
        assert_eq!(g.counts(), [1, 2]);
        let u = g.union_by(&["x", "y", "x"]);
        assert_eq!(u.as_slice(), [true, true, false, false]);
        assert_eq!(g.select(&[2, 0]).as_slice(), [true, true, false, true]);
    }

    #[test]
    fn thresholds_decide_every_cell_by_its_label() {
        let t = Thresholds::new(vec![0.5, 0.2]);
        let p = Probabilities::from_cells(2, vec![0.5, 0.1, 0.4, 0.3]);
        assert_eq!(t.decide(&p).as_slice(), [true, false, false, true]);
        assert_eq!(t.labels_of(p.row(1)), [1]);
    }

    #[test]
    #[should_panic(expected = "whole rows")]
    fn a_partial_row_is_refused() {
        let _ = Probabilities::from_cells(3, vec![0.0; 4]);
    }
}
