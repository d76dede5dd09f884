// SPDX-License-Identifier: MIT
/// @file
/// Every user-settable VSPACE_* macro, documented here and only here. Define them on the
/// compiler command line (or through the CMake targets), never by editing this file.
#pragma once

/// @def VSPACE_SIMD_DISPATCH
/// Defined by the `vspace::simd` CMake target. Kernels then come from a static library holding
/// one translation unit per instruction set (SSE4.2, AVX2+FMA, AVX-512), and the best one the
/// CPU supports is chosen once at run time. Without it (the header-only default) kernels are
/// compiled for whatever instruction set the user's own compiler flags allow.

/// @def VSPACE_ASSERTIONS
/// Turns on internal invariant checks (`VSPACE_ASSERT`). On by default when NDEBUG is not
/// defined; define it to 1 to keep them in a release build, 0 to drop them in a debug build.
#ifndef VSPACE_ASSERTIONS
#ifdef NDEBUG
#define VSPACE_ASSERTIONS 0
#else
#define VSPACE_ASSERTIONS 1
#endif
#endif

/// @def VSPACE_NO_EXCEPTIONS
/// Detected from the compiler (`-fno-exceptions`); may also be defined by hand. Errors then
/// print their message to stderr and abort instead of throwing.
#if !defined(VSPACE_NO_EXCEPTIONS) && !defined(__cpp_exceptions) && !defined(__EXCEPTIONS)
#define VSPACE_NO_EXCEPTIONS 1
#endif

/// @def VSPACE_DECLARATIONS_ONLY
/// For the heavy algorithm headers (PCA, t-SNE, UMAP): declare classes and options without
/// including their Eigen/Boost bodies. Use it with the `vspace::compiled` library, which holds
/// the common instantiations, to keep your own compile times low.
