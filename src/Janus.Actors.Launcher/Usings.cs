global using System.Diagnostics;
global using System.Net;
global using Janus.Actors.Fixtures;

// The launcher starts Janus, PostgreSQL and hosts on this machine: Linux only, like the package it installs.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
