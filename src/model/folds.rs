//! Grouped fold assignment: every group (policy) in one fold, folds balanced by rows. Used by
//! the threshold folds of training and by cross-validation (`eval::cv`).

use crate::hash::{fnv1a, splitmix};

/// Assigns each row a fold in `0..k`, keeping each group (policy) in one fold. Groups are
/// shuffled with `seed` and then placed, largest first, in the fold with the fewest rows.
pub fn group_folds(groups: &[String], k: usize, seed: u64) -> Vec<usize> {
    let mut names: Vec<&String> = groups.iter().collect();
    names.sort();
    names.dedup();
    let mut sizes: Vec<(usize, u64, &String)> = names
        .iter()
        .map(|g| {
            let n = groups.iter().filter(|x| x == g).count();
            (n, splitmix(seed ^ fnv1a(g.as_bytes())), *g)
        })
        .collect();
    sizes.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut load = vec![0usize; k];
    let mut fold_of = std::collections::BTreeMap::new();
    for (n, _, g) in sizes {
        let f = (0..k).min_by_key(|&f| (load[f], f)).unwrap_or(0);
        load[f] += n;
        fold_of.insert(g, f);
    }
    groups.iter().map(|g| fold_of[g]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_keep_groups_together_and_balance() {
        let g: Vec<String> = (0..100).map(|i| format!("p{}", i % 10)).collect();
        let f = group_folds(&g, 5, 1);
        for i in 0..100 {
            for j in 0..100 {
                if g[i] == g[j] {
                    assert_eq!(f[i], f[j]);
                }
            }
        }
        for k in 0..5 {
            assert_eq!(f.iter().filter(|&&x| x == k).count(), 20);
        }
        assert_eq!(f, group_folds(&g, 5, 1));
    }
}
