using Microsoft.AspNetCore.Authorization;

namespace Janus.Actors.Host.StatusPage;

/// <summary>
/// <c>GET /</c>: a read-only status page (sessions, state, transport, handles, reclaims, last error; Janus's timeouts),
/// one HTML file embedded in this assembly that polls <c>/v1/sessions</c> and <c>/readyz</c> every second.
/// The page itself is static and open; the data it loads needs the API token like every other endpoint. With a token,
/// open <c>/#token=&lt;token&gt;</c>: the script moves it into the Authorization header, and a fragment is never sent
/// to the server or written to its logs.
/// </summary>
public static class StatusPageEndpoint
{
    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = typeof(StatusPageEndpoint).Assembly.GetManifestResourceStream("Janus.Actors.Host.StatusPage.index.html")
                           ?? throw new InvalidOperationException("The embedded status page is missing from Janus.Actors.Host.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static IEndpointRouteBuilder MapStatusPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-cache";
            // The page runs only its own inline script and talks only to this host.
            context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
            return Results.Bytes(Page.Value, "text/html; charset=utf-8");
        }).WithMetadata(new AllowAnonymousAttribute()).ExcludeFromDescription(); // a page for people, not an API
        return app;
    }
}
