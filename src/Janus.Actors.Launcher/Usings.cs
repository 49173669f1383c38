global using System.Diagnostics;
global using System.Net;
global using Janus.Actors.Fixtures;
