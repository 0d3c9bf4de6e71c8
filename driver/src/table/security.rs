//! Events of this category are being filled in.

use super::events;
#[allow(unused_imports)]
use super::{DynParam, ParamExtra::*};
#[allow(unused_imports)]
use crate::flags;

events! {}
