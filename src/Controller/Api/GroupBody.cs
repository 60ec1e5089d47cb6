using System.Text.Json;
using HaCluster.Controller.Domain;

namespace HaCluster.Controller.Api;

/// <summary>Reads a group from the request so malformed JSON becomes a 400 problem naming where it broke.</summary>
internal static class GroupBody
{
    public static async Task<(VipGroup? Group, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var (group, _, problem) = await ReadWithCommentAsync(request, ct);
        return (group, problem);
    }

    /// <summary>The group and the save's optional <c>comment</c> (why: kept with the revision, at most 500 characters).</summary>
    public static async Task<(VipGroup? Group, string? Comment, IResult? Problem)> ReadWithCommentAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
        {
            return (null, null, TypedResults.Problem("send the group as application/json", statusCode: StatusCodes.Status415UnsupportedMediaType));
        }

        try
        {
            var document = await JsonSerializer.DeserializeAsync(request.Body, GroupJsonContext.Default.GroupDocument, ct);
            return document switch
            {
                null => (null, null, Invalid("$", "a group object is required")),
                _ when CommentProblem(document.Comment) is { } tooLong => (null, null, tooLong),
                _ => (document.ToGroup(), string.IsNullOrWhiteSpace(document.Comment) ? null : document.Comment.Trim(), null),
            };
        }
        catch (JsonException e)
        {
            return (null, null, Invalid(ToErrorPath(e.Path), e.Message));
        }
        catch (BadHttpRequestException e)
        {
            // The server refused the body itself: too large (413), malformed chunking (400), too slow or cut short.
            return (null, null, TypedResults.Problem(e.Message, statusCode: e.StatusCode));
        }
    }

    /// <summary>A save's or a rollback's <c>comment</c> longer than a revision keeps; null when it fits.</summary>
    public static IResult? CommentProblem(string? comment) =>
        comment is { Length: > Data.Configurations.GroupRevisionLimits.MaxComment }
            ? Invalid("comment", $"is {comment.Length} characters; at most {Data.Configurations.GroupRevisionLimits.MaxComment}")
            : null;

    public static IResult Invalid(string path, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [path] = [message] });

    public static IResult Invalid(IReadOnlyList<GroupError> errors) =>
        TypedResults.ValidationProblem(errors
            .GroupBy(e => e.Path)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()));

    // System.Text.Json reports "$.members[1].priority"; GroupValidator's paths have no "$." root.
    private static string ToErrorPath(string? path) =>
        path is null or "$" ? "$" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}
