using Microsoft.Extensions.Options;

namespace Janus.Actors.Hosting;

/// <summary>Fails the application's start with every unusable setting of <see cref="JanusSessionsOptions"/> at once.</summary>
internal sealed class JanusSessionsOptionsValidator : IValidateOptions<JanusSessionsOptions>
{
    public ValidateOptionsResult Validate(string? name, JanusSessionsOptions options) =>
        options.Problems() is { Count: > 0 } problems
            ? ValidateOptionsResult.Fail(problems.Select(problem => $"Invalid JanusSessionsOptions: {problem}"))
            : ValidateOptionsResult.Success;
}
