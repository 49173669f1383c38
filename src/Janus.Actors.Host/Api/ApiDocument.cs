using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
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
            // A JSON value of any shape (a plugin's body, a JSEP, a candidate) is `{}` in place: as a component named after
            // .NET's JsonElement, every generated client got a class of that name beside its language's own JSON type.
            options.CreateSchemaReferenceId = type =>
                type.Type == typeof(JsonElement) || type.Type == typeof(JsonElement?) ? null : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
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
            // A member the host leaves out when it is null (JsonIgnore WhenWritingNull) is not required: a client must not
            // expect it. The generator lists every constructor parameter of a record as required.
            options.AddSchemaTransformer((schema, context, _) =>
            {
                // The generator writes a string enum (JsonStringEnumConverter) as bare values: without its type, generators
                // read numbers.
                if (schema is { Type: null, Enum.Count: > 0 } && schema.Enum.All(value => value?.GetValueKind() == JsonValueKind.String))
                    schema.Type = JsonSchemaType.String;
                if (schema.Required is not { Count: > 0 } required) return Task.CompletedTask;
                foreach (var property in context.JsonTypeInfo.Properties)
                    if (property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: true)
                            .OfType<JsonIgnoreAttribute>().Any(ignore => ignore.Condition is JsonIgnoreCondition.WhenWritingNull or JsonIgnoreCondition.WhenWritingDefault) == true)
                        required.Remove(property.Name);
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

    /// <summary>An example of the endpoint's JSON request body, for the document's readers and client generators.</summary>
    public static RouteHandlerBuilder WithRequestExample(this RouteHandlerBuilder builder, string json) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true && body is OpenApiMediaType media)
                media.Example = JsonNode.Parse(json);
            return Task.CompletedTask;
        });

    /// <summary>
    /// <c>GET /v1/sessions</c>'s query (<see cref="SessionPage"/>: read by hand, so its mistakes get the API's own words) and
    /// the <c>Link</c> header of a page that has a next one.
    /// </summary>
    public static RouteHandlerBuilder WithSessionPageQuery(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(Query("state", "Only sessions in this state",
                new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. Enum.GetValues<Janus.Actors.Sessions.JanusSessionStatus>().Select(s => (JsonNode)Janus.Actors.Sessions.JanusSessionStatusNames.ToName(s))] }));
            operation.Parameters.Add(Query("limit", $"At most this many sessions (1–{SessionPage.MaxLimit}); without it, every one",
                new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = SessionPage.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
            operation.Parameters.Add(Query("after", "Only sessions whose key sorts after this one (ordinal): the next page",
                new OpenApiSchema { Type = JsonSchemaType.String }));
            if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse page)
            {
                page.Headers ??= new Dictionary<string, IOpenApiHeader>();
                page.Headers["Link"] = new OpenApiHeader
                {
                    Description = "When more sessions follow: <…/v1/sessions?limit=…&after=…>; rel=\"next\"",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                };
            }
            return Task.CompletedTask;
        });

    private static OpenApiParameter Query(string name, string description, OpenApiSchema schema) =>
        new() { Name = name, In = ParameterLocation.Query, Description = description, Required = false, Schema = schema };

    /// <summary>
    /// The event stream: each <c>event:</c> name's <c>data:</c> JSON as a schema of the document's components
    /// (<c>JanusEventNotice</c>, <c>ReclaimedNotice</c>, <c>EndedNotice</c>, <c>MissedNotice</c>), named by the stream's
    /// description and by <c>x-sse-events</c> (event name → schema) for generators.
    /// </summary>
    public static RouteHandlerBuilder WithEventStreamNotices(this RouteHandlerBuilder builder, IReadOnlyDictionary<string, Type> notices) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var events = new JsonObject();
            foreach (var (name, type) in notices)
            {
                context.Document!.AddComponent(type.Name, await context.GetOrCreateSchemaAsync(type, null, cancellationToken));
                events[name] = new JsonObject { ["$ref"] = $"#/components/schemas/{type.Name}" };
            }
            if (operation.Responses?.TryGetValue("200", out var ok) != true || ok is not OpenApiResponse stream) return;
            stream.Content ??= new Dictionary<string, OpenApiMediaType>();
            stream.Content[EventStream.ContentType] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = "Server-sent events, each `event: <name>` with one `data: <JSON>` line: " +
                                  string.Join(", ", notices.Select(n => $"`{n.Key}` → {n.Value.Name}")),
                },
                Extensions = new Dictionary<string, IOpenApiExtension> { ["x-sse-events"] = new JsonNodeExtension(events) },
            };
        });

    /// <summary>Declares the problem answers (<c>application/problem+json</c>) the endpoint may give besides its success.</summary>
    public static RouteHandlerBuilder WithProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
            builder.ProducesProblem(status);
        return builder;
    }
}
