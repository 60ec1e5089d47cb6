using HaCluster.Controller.Infrastructure;
using HaCluster.Controller.Pki;
using HaCluster.Controller.Security;

namespace HaCluster.Controller.Api;

/// <summary>Join tokens and node revocation over REST, for admins: what <c>hacluster-controller token create</c> and <c>node revoke</c> do.</summary>
public static class CredentialsApi
{
    public static IEndpointRouteBuilder MapCredentialsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Credentials").RequireAuthorization(Policies.Admin);
        api.MapPost("/tokens", CreateToken).Produces<TokenCreated>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapPost("/nodes/{name}/revoke", RevokeNode).Produces<NodeRevoked>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>A join token for <paramref name="Node"/>, living <paramref name="Ttl"/> (<c>90s</c>, <c>30m</c>, <c>1h</c>, <c>7d</c>; default 1h).</summary>
    public sealed record TokenRequest(string? Node, string? Ttl);

    /// <summary>The token, shown this once; the agent runs <c>hacluster-agent enroll --token TOKEN</c>.</summary>
    public sealed record TokenCreated(string Token, string Node, DateTimeOffset ExpiresAt);

    public sealed record NodeRevoked(string Node, int Certificates);

    public static async Task<IResult> CreateToken(TokenRequest? request, HttpContext context, Credentials credentials, CancellationToken ct)
    {
        TimeSpan? ttl = null;
        if (request?.Ttl is { } text)
        {
            if (!Durations.TryParse(text, out var parsed))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["ttl"] = [$"'{text}' is not a duration (90s, 30m, 1h, 7d)"] });
            }

            ttl = parsed;
        }

        try
        {
            var (token, expiresAt) = await credentials.CreateTokenAsync(request?.Node ?? "", ttl, context.Actor(), ct);
            return TypedResults.Created((string?)null, new TokenCreated(token.ToString(), request!.Node!, expiresAt));
        }
        catch (PkiRefusedException e)
        {
            return Problem(e);
        }
    }

    public static async Task<IResult> RevokeNode(string name, HttpContext context, Credentials credentials, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(new NodeRevoked(name, await credentials.RevokeNodeAsync(name, context.Actor(), ct)));
        }
        catch (PkiRefusedException e)
        {
            return Problem(e);
        }
    }

    internal static IResult Problem(PkiRefusedException e) => e.Kind == Refusal.Invalid
        ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { [""] = [e.Message] }, detail: e.Message)
        : TypedResults.Problem(e.Message, statusCode: e.Kind == Refusal.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status403Forbidden);
}
