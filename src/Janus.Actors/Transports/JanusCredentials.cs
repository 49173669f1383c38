using Janus.Actors.Protocol;

namespace Janus.Actors.Transports;

/// <summary>
/// Adds the configured <c>apisecret</c>/<c>token</c> to what goes on the wire. Done in the transport because it is the
/// one place every request passes, and because the REST long poll (a GET, no body) needs them as query parameters.
/// </summary>
internal static class JanusCredentials
{
    /// <summary>The request with the configured credentials where it carries none of its own.</summary>
    public static JanusRequest Apply(JanusRequest request, JanusOptions options) =>
        (options.ApiSecret is null || request.ApiSecret is not null) && (options.Token is null || request.Token is not null)
            ? request
            : request with { ApiSecret = request.ApiSecret ?? options.ApiSecret, Token = request.Token ?? options.Token };

    /// <summary>The credentials as query parameters (<c>&amp;apisecret=...&amp;token=...</c>), or empty.</summary>
    public static string ToQuery(JanusOptions options) =>
        (options.ApiSecret is { } secret ? "&apisecret=" + Uri.EscapeDataString(secret) : "")
        + (options.Token is { } token ? "&token=" + Uri.EscapeDataString(token) : "");
}
