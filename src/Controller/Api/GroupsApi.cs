using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.Controller.Security;
using Microsoft.AspNetCore.Mvc;

namespace HaCluster.Controller.Api;

public static class GroupsApi
{
    public const long GroupBodyLimit = 256 * 1024;

    public static IEndpointRouteBuilder MapGroupsApi(this IEndpointRouteBuilder app)
    {
        // A group of 64 members and 64 VIPs is about 10 KiB of JSON: 256 KiB is room to spare, and the cap on every other body is 64 KiB.
        var api = app.MapGroup("/api/v1/groups").WithTags("Groups");
        api.MapGet("/", ListGroups).Produces<List<GroupDocument>>().RequireAuthorization(Policies.Read);
        api.MapPost("/", CreateGroup).Accepts<GroupDocument>("application/json")
            .Produces<GroupDocument>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).WithMetadata(new RequestSizeLimitAttribute(GroupBodyLimit))
            .RequireAuthorization(Policies.Admin);
        api.MapGet("/{name}", GetGroup).Produces<GroupDocument>().ProducesProblem(StatusCodes.Status404NotFound).RequireAuthorization(Policies.Read);
        api.MapPut("/{name}", UpdateGroup).Accepts<GroupDocument>("application/json")
            .Produces<GroupDocument>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).WithMetadata(new RequestSizeLimitAttribute(GroupBodyLimit))
            .RequireAuthorization(Policies.Admin);
        api.MapDelete("/{name}", DeleteGroup).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Admin);
        api.MapPost("/{name}/rotate-key", RotateKey).Produces<HmacStatus>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(Policies.Admin);
        api.MapGet("/{name}/config/{node}", GetConfig).Produces<string>(contentType: "text/plain").ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Read);
        return app;
    }

    public static async Task<IResult> ListGroups(GroupService store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(ct)).Select(g => GroupDocument.Public(g.Group)).ToList());

    public static async Task<IResult> GetGroup(string name, GroupService store, CancellationToken ct) =>
        await store.GetAsync(name, ct) is { } stored ? TypedResults.Ok(GroupDocument.Public(stored.Group)) : GroupNotFound(name);

    /// <summary>
    /// Starts a make-before-break rotation of an HMAC group's key: 202 with the new key's id (accepted everywhere
    /// first, then signing, then the old one retired, each step once every connected member runs the one before).
    /// </summary>
    public static async Task<IResult> RotateKey(string name, HttpContext context, GroupService store, Fleet.KeyRollout rollout, CancellationToken ct)
    {
        if (await store.GetAsync(name, ct) is not { } stored)
        {
            return GroupNotFound(name);
        }

        if (!stored.Group.UsesHmac)
        {
            return TypedResults.Problem($"group '{name}' does not use \"auth\": \"hmac\": there is no key to rotate", statusCode: StatusCodes.Status409Conflict);
        }

        return await rollout.RotateAsync(name, Who(context), ct) is { } keyring
            ? TypedResults.Accepted($"/api/v1/groups/{Uri.EscapeDataString(name)}", HmacStatus.Of(keyring))
            : TypedResults.Problem($"group '{name}': a key change is still under way ({stored.Group.Keyring?.Describe()}); retry when it is done",
                statusCode: StatusCodes.Status409Conflict);
    }

    public static async Task<IResult> CreateGroup(HttpContext context, GroupService store, CancellationToken ct)
    {
        var (group, problem) = await GroupBody.ReadAsync(context.Request, ct);
        if (group is null)
        {
            return problem!;
        }

        var result = await store.CreateAsync(group, Who(context), ct);
        return result is SaveResult.Saved saved
            ? TypedResults.Created($"/api/v1/groups/{Uri.EscapeDataString(saved.Group.Name)}", GroupDocument.Public(saved.Group))
            : ToProblem(result, group.Name);
    }

    public static async Task<IResult> UpdateGroup(string name, HttpContext context, GroupService store, CancellationToken ct)
    {
        var (group, problem) = await GroupBody.ReadAsync(context.Request, ct);
        if (group is null)
        {
            return problem!;
        }

        if (group.Name != name)
        {
            return GroupBody.Invalid("name", $"'{group.Name}' does not match the group in the URL, '{name}'");
        }

        var result = await store.UpdateAsync(group, Who(context), ct);
        return result is SaveResult.Saved saved ? TypedResults.Ok(GroupDocument.Public(saved.Group)) : ToProblem(result, name);
    }

    public static async Task<IResult> DeleteGroup(string name, HttpContext context, GroupService store, CancellationToken ct) =>
        await store.DeleteAsync(name, Who(context), ct) ? TypedResults.NoContent() : GroupNotFound(name);

    public static async Task<IResult> GetConfig(string name, string node, GroupService store, CancellationToken ct)
    {
        if (await store.GetConfigAsync(name, node, ct) is { } config)
        {
            return TypedResults.Text(Secrets.RedactConfig(config.Text), "text/plain; charset=utf-8");
        }

        return await store.GetAsync(name, ct) is null
            ? GroupNotFound(name)
            : TypedResults.Problem($"'{node}' is not a member of group '{name}'", statusCode: StatusCodes.Status404NotFound);
    }

    private static IResult ToProblem(SaveResult result, string name) => result switch
    {
        SaveResult.Invalid invalid => GroupBody.Invalid(invalid.Errors),
        SaveResult.Conflict conflict => TypedResults.Problem(conflict.Detail, statusCode: StatusCodes.Status409Conflict),
        _ => GroupNotFound(name),
    };

    private static IResult GroupNotFound(string name) =>
        TypedResults.Problem($"no group named '{name}'", statusCode: StatusCodes.Status404NotFound);

    private static Actor Who(HttpContext context) => context.Actor();
}
