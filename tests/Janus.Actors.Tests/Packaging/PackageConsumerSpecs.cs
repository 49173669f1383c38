using System.IO.Compression;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Janus.Actors.Tests.Packaging;

/// <summary>
/// The library as its users get it: packed into a .nupkg, restored from a feed by an application that has never seen
/// this repository (tests/PackageConsumer, copied out of it), and run against a real Janus.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class PackageConsumerSpecs(JanusFixture janus) : IClassFixture<JanusFixture>, IDisposable
{
    private static readonly TimeSpan DotnetPatience = TimeSpan.FromMinutes(4);
    private readonly string _dir = Directory.CreateTempSubdirectory("janus-actors-package-").FullName;
    // A version of its own: NuGet's global packages folder would otherwise serve an earlier run's package.
    private readonly string _version = $"0.0.0-spec.{DateTime.UtcNow:yyyyMMddHHmmssfff}";

    [Fact]
    public async Task A_backend_built_from_the_packed_package_runs_a_session_through_Janus()
    {
        var root = HostProcess.RepositoryRoot();
        var feed = Path.Combine(_dir, "feed");
        // The library is already built with the tests (same configuration): pack only.
        await DotnetAsync(root, "pack", Path.Combine(root, "src", "Janus.Actors"), "-c", Configuration, "--no-build", "-o", feed,
            $"-p:MinVerVersionOverride={_version}");
        var package = Path.Combine(feed, $"Janus.Actors.{_version}.nupkg");
        Assert.True(File.Exists(Path.Combine(feed, $"Janus.Actors.{_version}.snupkg")), "no symbol package");
        using (var zip = ZipFile.OpenRead(package))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("lib/net10.0/Janus.Actors.dll", entries);
            Assert.Contains("README.md", entries);
            Assert.Contains("LICENSE", entries);
            using var nuspec = new StreamReader(zip.GetEntry("Janus.Actors.nuspec")!.Open());
            var metadata = await nuspec.ReadToEndAsync();
            Assert.Contains("<license type=\"expression\">Apache-2.0</license>", metadata);
            Assert.Matches("<dependency id=\"Microsoft.Data.Sqlite\" version=\"10\\.", metadata);
        }

        var consumer = Path.Combine(_dir, "consumer");
        Directory.CreateDirectory(consumer);
        foreach (var file in (string[])["PackageConsumer.csproj", "Program.cs"])
            File.Copy(Path.Combine(root, "tests", "PackageConsumer", file), Path.Combine(consumer, file));
        await File.WriteAllTextAsync(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="janus-actors-under-test" value="{feed}" />
              </packageSources>
            </configuration>
            """);

        var output = await DotnetAsync(consumer, "run", "-c", "Release", $"-p:JanusActorsVersion={_version}", "--",
            $"--JanusSessions:Janus:WebSocketUrl={janus.Server.WebSocketUrl}",
            $"--JanusSessions:Journal:ConnectionString=Data Source={Path.Combine(_dir, "journal.db")}");

        var line = Regex.Match(output, @"session (\d+) Active created=True echotest=ok");
        Assert.True(line.Success, $"unexpected output:\n{output}");
        using var admin = janus.Server.CreateAdminClient();
        Assert.Contains(long.Parse(line.Groups[1].Value), await admin.ListSessionsAsync());
        // Restored from the package, not from a project of this repository.
        using var assets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(consumer, "obj", "project.assets.json")));
        var restored = assets.RootElement.GetProperty("targets").GetProperty("net10.0").GetProperty($"Janus.Actors/{_version}");
        Assert.Equal("package", restored.GetProperty("type").GetString());
    }

    private static string Configuration =>
        typeof(PackageConsumerSpecs).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    private static async Task<string> DotnetAsync(string workingDirectory, params string[] arguments)
    {
        var info = ChildProcess.StartInfo("dotnet", workingDirectory, arguments);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var (exitCode, all) = await Command.RunAsync(info, DotnetPatience);
        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', arguments)} exited with {exitCode}:\n{all}");
        return all;
    }

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        // The package this run restored into NuGet's global folder: nothing else will ever ask for that version.
        var restored = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                                    ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            "janus.actors", _version);
        if (Directory.Exists(restored)) Directory.Delete(restored, recursive: true);
    }
}
