//! kube-apiserver audit policies (`audit.k8s.io/v1` `Policy`): schema
//! checks with line numbers, and the level the API server would log a
//! request at (first matching rule wins, `None` when no rule matches),
//! following `k8s.io/apiserver/pkg/audit/policy`.
//!
//! ```
//! use engine::k8saudit::policy::{Level, Policy, RequestAttributes, ResourceRef};
//! let policy = Policy::parse(
//!     "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n\
//!      - level: RequestResponse\n  resources:\n  - group: \"\"\n    resources: [\"pods/*\"]\n\
//!      - level: Metadata\n",
//! )
//! .unwrap();
//! let exec = RequestAttributes {
//!     verb: "create".into(),
//!     resource: Some(ResourceRef {
//!         resource: "pods".into(),
//!         subresource: "exec".into(),
//!         ..Default::default()
//!     }),
//!     ..Default::default()
//! };
//! assert_eq!(policy.evaluate(&exec).level, Level::RequestResponse);
//! ```

mod eval;
mod model;
mod yaml;

pub use eval::{Decision, RequestAttributes, ResourceRef};
pub use model::{GroupResources, Level, Policy, PolicyProblem, PolicyRule, STAGES};

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests;
