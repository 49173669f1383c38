using ErrorHandling;

// dotnet run --project src/Examples/ErrorHandling
// Four failures against private Janus servers, each handled by the code in CallSessions.cs, with the output it produces.
return await ErrorDemo.RunAsync();
