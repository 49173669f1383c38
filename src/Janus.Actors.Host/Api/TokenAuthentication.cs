using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Janus.Actors.Host.Api;

/// <summary>The API token a request must carry as <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
public sealed class ApiTokenOptions : AuthenticationSchemeOptions
{
    /// <summary>SHA-256 of the token: compared in constant time, so neither its content nor its length leaks.</summary>
    public byte[] TokenHash { get; set; } = [];
}

/// <summary>
/// <c>Api:Token</c> as an ASP.NET Core authentication scheme: a request with the right bearer token is authenticated
/// (as <c>api-client</c>); every endpoint then requires that (the fallback authorization policy), except those marked
/// <see cref="AllowAnonymousAttribute"/> (the liveness check). A request without it is challenged: 401,
/// <c>WWW-Authenticate: Bearer</c> and a problem body. Requests that match no route reach a fallback endpoint, so they
/// need the token too (an unknown path is no way to probe the API).
/// </summary>
public sealed class ApiTokenAuthenticationHandler(IOptionsMonitor<ApiTokenOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<ApiTokenOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(AuthenticateResult.NoResult());
        if (!CryptographicOperations.FixedTimeEquals(Hash(value.AsSpan("Bearer ".Length).Trim()), Options.TokenHash))
            return Task.FromResult(AuthenticateResult.Fail("wrong bearer token"));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api-client")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return ApiErrors.WriteAsync(Context, ApiErrors.Problem(StatusCodes.Status401Unauthorized, "missing or wrong bearer token"));
    }

    public static byte[] Hash(ReadOnlySpan<char> token)
    {
        var utf8 = new byte[Encoding.UTF8.GetByteCount(token)];
        Encoding.UTF8.GetBytes(token, utf8);
        return SHA256.HashData(utf8);
    }
}

public static class ApiTokenExtensions
{
    /// <summary>
    /// Registers the <see cref="ApiTokenAuthenticationHandler.SchemeName"/> scheme and, when <paramref name="token"/> is
    /// set, the fallback policy that requires it on every endpoint but anonymous ones. Without a token the API is open
    /// (and bound to loopback unless configured otherwise).
    /// </summary>
    public static IServiceCollection AddApiToken(this IServiceCollection services, string? token)
    {
        services.AddAuthentication(ApiTokenAuthenticationHandler.SchemeName)
            .AddScheme<ApiTokenOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName,
                options => options.TokenHash = token is null ? [] : ApiTokenAuthenticationHandler.Hash(token));
        services.AddAuthorizationBuilder().SetFallbackPolicy(token is null ? null : new AuthorizationPolicyBuilder(ApiTokenAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser().Build());
        return services;
    }
}
