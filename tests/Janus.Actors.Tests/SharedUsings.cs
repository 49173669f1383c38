// Imports of the specs and of the benchmarks (linked there too): no test framework here.
global using System.Diagnostics;
global using System.Net;
global using System.Text;
global using System.Text.Json;
global using Akka.Actor;
global using Janus.Actors.Hosting;
global using Janus.Actors.Persistence;
global using Janus.Actors.Servers;
global using Janus.Actors.Sessions;
global using Janus.Actors.Fixtures;
global using Janus.Actors.Transports;
