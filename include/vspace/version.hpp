// SPDX-License-Identifier: MIT
/// @file
/// The library version, as numbers for preprocessor checks and as a string for `vspace info`.
#pragma once

#define VSPACE_VERSION_MAJOR 0
#define VSPACE_VERSION_MINOR 1
#define VSPACE_VERSION_PATCH 0
#define VSPACE_VERSION_STRING "0.1.0"
