using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Janus.Actors.Host.Api;

/// <summary>
/// The API's OpenAPI document (<c>GET /openapi/v1.json</c>, and <c>src/Janus.Actors.Host/openapi/</c> written by every
/// build): the operations with their bodies and answers from the endpoints' types and metadata, errors as RFC 9457
/// problems, and the bearer token as the security scheme of every operation that is not open.
/// </summary>
public static class ApiDocument
{
    private const string Bearer = "bearer";

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Janus.Actors host";
                document.Info.Description = "Janus WebRTC Gateway sessions that survive restarts of this host: create, adopt, attach, message, " +
                                            "trickle, hang up, detach, destroy, and follow their events.";
                // The same document for every caller and the one the build writes: the base URL is the client's to set.
                document.Servers?.Clear();
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = Bearer,
                    Description = "Api:Token, when the host is configured with one (required on every operation but the open ones)",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
                    return Task.CompletedTask;
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] });
                operation.Responses ??= new OpenApiResponses();
                operation.Responses["401"] = new OpenApiResponse { Description = "Missing or wrong bearer token (when Api:Token is set)" };
                return Task.CompletedTask;
            });
        });

    /// <summary>Declares the problem answers (<c>application/problem+json</c>) the endpoint may give besides its success.</summary>
    public static RouteHandlerBuilder WithProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
            builder.ProducesProblem(status);
        return builder;
    }
}
