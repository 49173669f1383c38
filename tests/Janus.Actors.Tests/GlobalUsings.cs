// What nearly every spec file imports; a file adds only what is particular to it. The fixtures the benchmarks
// borrow use SharedUsings.cs alone.
global using Xunit;
global using Xunit.Abstractions;
