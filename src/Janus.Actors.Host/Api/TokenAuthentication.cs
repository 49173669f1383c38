using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Primitives;

namespace Janus.Actors.Host.Api;

/// <summary>
/// When <c>Api:Token</c> is set, every request needs <c>Authorization: Bearer &lt;token&gt;</c>, except endpoints
/// marked <see cref="AllowAnonymousAttribute"/> (the health check). Runs after routing so that the exemption follows
/// the endpoint, not a spelling of its path; requests that match no endpoint need the token too.
/// </summary>
public sealed class TokenAuthentication
{
    private readonly RequestDelegate _next;
    private readonly byte[] _expectedHash;

    public TokenAuthentication(RequestDelegate next, string token)
    {
        _next = next;
        _expectedHash = Hash(token);
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null || IsAuthorized(context.Request.Headers.Authorization))
            return _next(context);

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return context.Response.WriteAsJsonAsync(new ErrorResponse("missing or wrong bearer token"), HostJsonContext.Api.ErrorResponse);
    }

    private bool IsAuthorized(StringValues header)
    {
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return false;
        // Comparing fixed-length hashes in constant time leaks neither the token's content nor its length.
        return CryptographicOperations.FixedTimeEquals(Hash(value.AsSpan("Bearer ".Length).Trim()), _expectedHash);
    }

    private static byte[] Hash(ReadOnlySpan<char> token)
    {
        var utf8 = new byte[Encoding.UTF8.GetByteCount(token)];
        Encoding.UTF8.GetBytes(token, utf8);
        return SHA256.HashData(utf8);
    }
}

public static class TokenAuthenticationExtensions
{
    /// <summary>Requires the bearer token on every endpoint but anonymous ones; does nothing when <paramref name="token"/> is null.</summary>
    public static IApplicationBuilder UseApiToken(this IApplicationBuilder app, string? token) =>
        token is null ? app : app.UseMiddleware<TokenAuthentication>(token);
}
