using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Pki;
using HaCluster.Controller.Security;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Api;

/// <summary>
/// Sign-in for local users (<c>POST /session</c>, the one open route besides health, rate limited per address), who am I,
/// and — for admins — users and API keys.
/// </summary>
public static class AccessApi
{
    public const string SignInLimit = RateLimits.SignIn;

    public static IEndpointRouteBuilder MapAccessApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Access");
        api.MapPost("/session", SignInAsync).AllowAnonymous().RequireRateLimiting(SignInLimit)
            .Produces<SessionCreated>().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapGet("/me", Me).RequireAuthorization(Policies.Read).Produces<Caller>();

        var admin = api.MapGroup("").RequireAuthorization(Policies.Admin);
        admin.MapGet("/users", ListUsersAsync).Produces<List<UserJson>>();
        admin.MapPost("/users", CreateUserAsync).Produces<UserJson>(StatusCodes.Status201Created).ProducesValidationProblem();
        admin.MapPut("/users/{name}", UpdateUserAsync).Produces(StatusCodes.Status204NoContent).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapDelete("/users/{name}", DeleteUserAsync).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapGet("/apikeys", ListKeysAsync).Produces<List<ApiKeyJson>>();
        admin.MapPost("/apikeys", CreateKeyAsync).Produces<ApiKeyCreated>(StatusCodes.Status201Created).ProducesValidationProblem();
        admin.MapDelete("/apikeys/{id}", RevokeKeyAsync).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapGet("/audit", ListAuditAsync).WithTags("Audit").Produces<List<AuditJson>>().ProducesValidationProblem();
        return app;
    }

    public sealed record SignInRequest(string? User, string? Password);

    /// <summary>A session: send <paramref name="Token"/> as <c>Authorization: Bearer</c> until <paramref name="ExpiresAt"/>.</summary>
    public sealed record SessionCreated(string Token, DateTimeOffset ExpiresAt, string User, string Role);

    public sealed record Caller(string Name, string Role, string Via);

    public sealed record UserJson(string Name, string Role, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? LockedUntil)
    {
        public static UserJson Of(LocalUser user) => new(user.Name, user.Role.Name(), user.CreatedAt, user.CreatedBy, user.LockedUntil);
    }

    public sealed record UserRequest(string? Name, string? Role, string? Password);

    public sealed record ApiKeyJson(string Id, string Name, string Role, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt)
    {
        public static ApiKeyJson Of(ApiKeyInfo key) => new(key.Id, key.Name, key.Role.Name(), key.CreatedAt, key.CreatedBy, key.RevokedAt);
    }

    public sealed record ApiKeyRequest(string? Name, string? Role);

    /// <summary>One audit line: who (name, role, address, request id), what, on what, when, and the diff with secrets redacted.</summary>
    public sealed record AuditJson(long Id, DateTimeOffset At, string Action, string Target, string Who, string Role, string? Address, string? RequestId,
        string? Detail, string? Before, string? After);

    /// <summary><c>GET /audit?from=&amp;to=&amp;who=&amp;action=&amp;target=&amp;limit=</c> (ISO 8601 times), newest first.</summary>
    public static async Task<IResult> ListAuditAsync(HttpRequest request, AuditRepository audit, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var from = EventFilterQuery.Time(request.Query["from"], "from", errors);
        var to = EventFilterQuery.Time(request.Query["to"], "to", errors);
        var limit = EventFilterQuery.Limit(request.Query["limit"], AuditFilter.DefaultLimit, AuditFilter.MaxLimit, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        static string? Text(HttpRequest r, string key) => r.Query[key].ToString() is { Length: > 0 and <= 256 } v ? v : null;
        var entries = await audit.ListAsync(new AuditFilter(from, to, Text(request, "who"), Text(request, "action"), Text(request, "target"), limit), ct);
        return TypedResults.Ok(entries.Select(e => new AuditJson(e.Id, e.Entry.At, e.Entry.Action, e.Entry.Target, e.Entry.Actor.Name, e.Entry.Actor.Role,
            e.Entry.Actor.Address, e.Entry.Actor.RequestId, e.Entry.Detail, e.Entry.Before, e.Entry.After)).ToList());
    }

    /// <summary>The key, shown this once.</summary>
    public sealed record ApiKeyCreated(string Key, ApiKeyJson Info);

    public static async Task<IResult> SignInAsync(SignInRequest? request, HttpContext context, Users users, SessionTokens sessions, AuditRepository audit, TimeProvider clock, CancellationToken ct)
    {
        var name = request?.User ?? "";
        var result = await users.SignInAsync(name, request?.Password ?? "", ct);
        var actor = context.Actor() with { Name = name.Length <= 64 ? name : name[..64] + "…", Role = result.User?.Role.Name() ?? "anonymous" };
        if (result.User is not { } user)
        {
            await audit.AddAsync(new AuditEvent(AuditActions.SignInFailed, actor.Name, actor, clock.GetUtcNow(), Detail: result.Refusal), ct);
            return TypedResults.Problem(result.Refusal, statusCode: StatusCodes.Status401Unauthorized, title: result.LockedOut ? "Locked out" : "Unauthorized");
        }

        await audit.AddAsync(new AuditEvent(AuditActions.SignIn, user.Name, actor, clock.GetUtcNow(), Detail: "session"), ct);
        var (token, expiresAt) = sessions.Create(user, result.Stamp!);
        return TypedResults.Ok(new SessionCreated(token, expiresAt, user.Name, user.Role.Name()));
    }

    public static IResult Me(HttpContext context) =>
        TypedResults.Ok(new Caller(context.User.Who(), context.User.Role().Name(), context.User.Identity?.AuthenticationType ?? ""));

    public static async Task<IResult> ListUsersAsync(Users users, CancellationToken ct) =>
        TypedResults.Ok((await users.ListAsync(ct)).Select(UserJson.Of).ToList());

    public static Task<IResult> CreateUserAsync(UserRequest? request, HttpContext context, Users users, CancellationToken ct) =>
        Refused(async () =>
        {
            var user = await users.CreateAsync(request?.Name ?? "", ParseRole(request?.Role), request?.Password ?? "", context.Actor(), ct);
            return TypedResults.Created($"/api/v1/users/{user.Name}", UserJson.Of(user));
        });

    public static Task<IResult> UpdateUserAsync(string name, UserRequest? request, HttpContext context, Users users, CancellationToken ct) =>
        Refused(async () =>
        {
            await users.UpdateAsync(name, request?.Role is null ? null : ParseRole(request.Role), request?.Password, context.Actor(), ct);
            return TypedResults.NoContent();
        });

    public static Task<IResult> DeleteUserAsync(string name, HttpContext context, Users users, CancellationToken ct) =>
        Refused(async () =>
        {
            await users.DeleteAsync(name, context.Actor(), ct);
            return TypedResults.NoContent();
        });

    public static async Task<IResult> ListKeysAsync(ApiKeys keys, CancellationToken ct) =>
        TypedResults.Ok((await keys.ListAsync(ct)).Select(ApiKeyJson.Of).ToList());

    public static Task<IResult> CreateKeyAsync(ApiKeyRequest? request, HttpContext context, ApiKeys keys, CancellationToken ct) =>
        Refused(async () =>
        {
            var (key, info) = await keys.CreateAsync(request?.Name ?? "", ParseRole(request?.Role), context.Actor(), ct);
            return TypedResults.Created($"/api/v1/apikeys/{info.Id}", new ApiKeyCreated(key, ApiKeyJson.Of(info)));
        });

    public static Task<IResult> RevokeKeyAsync(string id, HttpContext context, ApiKeys keys, CancellationToken ct) =>
        Refused(async () =>
        {
            await keys.RevokeAsync(id, context.Actor(), ct);
            return TypedResults.NoContent();
        });

    private static Role ParseRole(string? text) => Names.TryParse(text, out Role role) ? role : Role.Unspecified;

    private static async Task<IResult> Refused(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (PkiRefusedException e)
        {
            return CredentialsApi.Problem(e);
        }
    }
}
