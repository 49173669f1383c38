using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NSwag.CodeGeneration.CSharp;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// The OpenAPI document as client generators use it: clients generated from the committed document — strict TypeScript
/// (openapi-typescript and openapi-fetch, from npm) and C# (NSwag) — compile, and drive a real host the way a backend
/// would: create with only what it cares about, attach, send a message (and, in TypeScript, read its plugin event from the
/// event stream), page the list (with its <c>Link</c> header), read a typed 404, destroy. A document that types a member
/// loosely or drifts from the host fails here. The programs are <c>GeneratedClients/</c>.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class GeneratedClientSpecs(JanusFixture janus, ITestOutputHelper output) : IClassFixture<JanusFixture>, IAsyncLifetime
{
    private const string Token = "generated-client-token";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private static readonly string Programs = Path.Combine(HostProcess.RepositoryRoot(), "tests", "Janus.Actors.Tests", "Host", "GeneratedClients");
    private static readonly string Document = Path.Combine(HostProcess.RepositoryRoot(), "src", "Janus.Actors.Host", "openapi", "Janus.Actors.Host.json");
    private HostProcess _host = null!;
    private readonly string _folder = Directory.CreateTempSubdirectory("generated-client-").FullName;

    public async Task InitializeAsync()
    {
        _host = new HostProcess(new Dictionary<string, string?>
        {
            ["Janus:WebSocketUrl"] = janus.Server.WebSocketUrl.ToString(),
            ["Api:Token"] = Token,
        });
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_strict_TypeScript_client_generated_from_the_document_compiles_and_drives_the_host()
    {
        foreach (var file in new[] { "package.json", "package-lock.json", "tsconfig.json", "main.ts" })
            File.Copy(Path.Combine(Programs, "typescript", file), Path.Combine(_folder, file));

        await RunAsync("npm", "ci", "--no-audit", "--no-fund");
        await RunAsync("npx", "openapi-typescript", Document, "--output", "schema.d.ts");
        await RunAsync("npx", "tsc", "--project", ".");
        var (_, printed) = await RunAsync("node", Path.Combine("dist", "main.js"), _host.BaseAddress.ToString().TrimEnd('/'), Token);

        Assert.Equal("ok", printed.Trim());
    }

    [Fact]
    public async Task A_CSharp_client_generated_from_the_document_compiles_and_drives_the_host()
    {
        var settings = new CSharpClientGeneratorSettings { ClassName = "JanusActorsClient" };
        settings.CSharpGeneratorSettings.Namespace = "Generated";
        settings.CSharpGeneratorSettings.JsonLibrary = NJsonSchema.CodeGeneration.CSharp.CSharpJsonLibrary.SystemTextJson;
        var client = new CSharpClientGenerator(await NSwag.OpenApiDocument.FromFileAsync(Document), settings).GenerateFile();

        var assembly = Compile(client, await File.ReadAllTextAsync(Path.Combine(Programs, "csharp", "ClientDrive.cs")));
        var drive = assembly.GetType("Generated.ClientDrive")!.GetMethod("RunAsync")!;

        Assert.Equal("ok", await (Task<string>)drive.Invoke(null, [_host.BaseAddress.ToString(), Token])!);
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var run = await Command.RunAsync(_folder, Patience, file, arguments);
        output.WriteLine($"$ {file} {string.Join(' ', arguments)}\n{run.Output}");
        Assert.True(run.ExitCode == 0, $"{file} {string.Join(' ', arguments)} exited {run.ExitCode}:\n{run.Output}");
        return run;
    }

    /// <summary>The generated client and the program that drives it, compiled in memory against this runtime's own assemblies.</summary>
    private static Assembly Compile(params string[] sources)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("GeneratedClient",
            sources.Select(source => CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, "the generated C# client does not compile:\n" +
                                     string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20)));
        return Assembly.Load(image.ToArray());
    }
}
