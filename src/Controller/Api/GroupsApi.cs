using System.Text.Json;
using HaCluster.Controller.Data;
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
        api.MapGet("/{name}/revisions", ListRevisions).Produces<List<RevisionSummary>>().ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Read);
        api.MapGet("/{name}/revisions/{revision}", GetRevision).Produces<RevisionDetail>().ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Read);
        api.MapGet("/{name}/revisions/{revision}/diff/{other}", DiffRevisions).Produces<RevisionDiff>().ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Read);
        api.MapPost("/{name}/rollback", Rollback).Produces<GroupDocument>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Admin);
        api.MapPost("/{name}/confirm", ConfirmGroup).Produces<GroupDocument>().ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Admin);
        api.MapGet("/{name}/config/{node}", GetConfig).Produces<string>(contentType: "text/plain").ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(Policies.Read);
        return app;
    }

    public static async Task<IResult> ListGroups(GroupService store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(ct)).Select(g => GroupDocument.Public(g.Group)).ToList());

    /// <summary>The group; <c>confirmBy</c> set while a save of it waits for its confirmation.</summary>
    public static async Task<IResult> GetGroup(string name, GroupService store, CancellationToken ct) =>
        await store.GetAsync(name, ct) is { } stored
            ? TypedResults.Ok(GroupDocument.Public(stored.Group) with { ConfirmBy = (await store.PendingAsync(name, ct))?.Deadline })
            : GroupNotFound(name);

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
        var (save, problem) = await GroupBody.ReadAsync(context.Request, ct);
        if (save is null)
        {
            return problem!;
        }

        if (save.ConfirmWithin is not null)
        {
            return GroupBody.Invalid("confirmWithin", "applies to an update: a new group has no earlier state to go back to");
        }

        var group = save.Group;
        var result = await store.CreateAsync(group, Who(context), ct, save.Comment);
        return result is SaveResult.Saved saved
            ? TypedResults.Created($"/api/v1/groups/{Uri.EscapeDataString(saved.Group.Name)}", GroupDocument.Public(saved.Group))
            : ToProblem(result, group.Name);
    }

    /// <summary>With <c>confirmWithin</c>, the reply's <c>confirmBy</c> says when the group goes back by itself unless confirmed.</summary>
    public static async Task<IResult> UpdateGroup(string name, HttpContext context, GroupService store, CancellationToken ct)
    {
        var (save, problem) = await GroupBody.ReadAsync(context.Request, ct);
        if (save is null)
        {
            return problem!;
        }

        if (save.Group.Name != name)
        {
            return GroupBody.Invalid("name", $"'{save.Group.Name}' does not match the group in the URL, '{name}'");
        }

        var result = await store.UpdateAsync(save.Group, Who(context), ct, save.Comment, save.ConfirmWithin);
        if (result is not SaveResult.Saved saved)
        {
            return ToProblem(result, name);
        }

        var pending = save.ConfirmWithin is null ? null : await store.PendingAsync(name, ct);
        return TypedResults.Ok(GroupDocument.Public(saved.Group) with { ConfirmBy = pending?.Deadline });
    }

    /// <summary>Confirms a save made with <c>confirmWithin</c>: it stays. 404 when no save of the group waits.</summary>
    public static async Task<IResult> ConfirmGroup(string name, HttpContext context, GroupService store, CancellationToken ct) =>
        await store.ConfirmAsync(name, Who(context), ct) && await store.GetAsync(name, ct) is { } stored
            ? TypedResults.Ok(GroupDocument.Public(stored.Group))
            : TypedResults.Problem($"no save of group '{name}' waits for a confirmation", statusCode: StatusCodes.Status404NotFound);

    /// <summary>One line of a revision list: who saved it, when, how and why.</summary>
    public sealed record RevisionSummary(int Revision, DateTimeOffset At, string Action, string Who, string Role, string? Comment);

    /// <summary>A revision: its summary, the desired state (no secret) and each member's config (redacted) with its hash.</summary>
    public sealed record RevisionDetail(int Revision, DateTimeOffset At, string Action, string Who, string Role, string? Comment, GroupDocument Group,
        IReadOnlyList<RevisionConfig> Configs);

    public sealed record RollbackRequest(int? To, string? Comment);

    /// <summary>Newest first; a group saved before revisions were kept lists those saved since. 404 only when there is neither group nor revision.</summary>
    public static async Task<IResult> ListRevisions(string name, GroupService store, CancellationToken ct, int? limit = null)
    {
        var revisions = await store.RevisionsAsync(name, Math.Clamp(limit ?? 100, 1, 1000), ct);
        return revisions.Count == 0 && await store.GetAsync(name, ct) is null
            ? GroupNotFound(name)
            : TypedResults.Ok(revisions.Select(r => new RevisionSummary(r.Revision, r.At, r.Action, r.Who, r.Role, r.Comment)).ToList());
    }

    public static async Task<IResult> GetRevision(string name, int revision, GroupService store, CancellationToken ct) =>
        await store.RevisionAsync(name, revision, ct) is { } r
            ? TypedResults.Ok(new RevisionDetail(r.Revision, r.At, r.Action, r.Who, r.Role, r.Comment, r.Group, r.Configs))
            : TypedResults.Problem($"group '{name}' has no revision {revision}", statusCode: StatusCodes.Status404NotFound);

    public static async Task<IResult> DiffRevisions(string name, int revision, int other, GroupService store, CancellationToken ct) =>
        await store.DiffAsync(name, revision, other, ct) is { } diff
            ? TypedResults.Ok(diff)
            : TypedResults.Problem($"group '{name}' has no revision {revision} or {other}", statusCode: StatusCodes.Status404NotFound);

    /// <summary>A new revision equal to an earlier one (its desired state; the current password and keys stay).</summary>
    public static async Task<IResult> Rollback(string name, RollbackRequest? request, HttpContext context, GroupService store, CancellationToken ct)
    {
        if (request?.To is not { } to)
        {
            return GroupBody.Invalid("to", "the revision to go back to is required");
        }

        if (GroupBody.CommentProblem(request.Comment) is { } tooLong)
        {
            return tooLong;
        }

        var result = await store.RollbackAsync(name, to, Who(context), request.Comment, ct);
        return result switch
        {
            null => TypedResults.Problem($"group '{name}' has no revision {to}", statusCode: StatusCodes.Status404NotFound),
            SaveResult.Saved saved => TypedResults.Ok(GroupDocument.Public(saved.Group)),
            _ => ToProblem(result, name),
        };
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
