// What nearly every spec file imports; a file adds only what is particular to it. The benchmarks share SharedUsings.cs
// alone; the xunit fixtures (JanusFixture, PostgresFixture) live here, the real-process ones in Janus.Actors.Fixtures.
global using Janus.Actors.Tests.Fixtures;
global using Xunit;
global using Xunit.Abstractions;
