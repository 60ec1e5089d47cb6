using System.Text.Json;
using HaCluster.Controller.Domain;

namespace HaCluster.Controller.Api;

/// <summary>Reads a group from the request so malformed JSON becomes a 400 problem naming where it broke.</summary>
internal static class GroupBody
{
    /// <summary>A save as sent: the group, why (an optional comment, kept with the revision), and confirm-or-revert's time.</summary>
    public sealed record Save(VipGroup Group, string? Comment, TimeSpan? ConfirmWithin);

    /// <summary>The group and the save's optional <c>comment</c> (at most 500 characters) and <c>confirmWithin</c> (10 s – 1 day).</summary>
    public static async Task<(Save? Save, IResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem("send the group as application/json", statusCode: StatusCodes.Status415UnsupportedMediaType));
        }

        try
        {
            var document = await JsonSerializer.DeserializeAsync(request.Body, GroupJsonContext.Default.GroupDocument, ct);
            if (document is null)
            {
                return (null, Invalid("$", "a group object is required"));
            }

            if (CommentProblem(document.Comment) is { } tooLong)
            {
                return (null, tooLong);
            }

            TimeSpan? within = null;
            if (document.ConfirmWithin is { } text)
            {
                if (!Infrastructure.Durations.TryParse(text, out var parsed) || parsed < PendingConfirm.MinWithin || parsed > PendingConfirm.MaxWithin)
                {
                    return (null, Invalid("confirmWithin", $"'{text}' is not a time from {PendingConfirm.MinWithin.TotalSeconds:0}s to {PendingConfirm.MaxWithin.TotalHours:0}h (as 90s, 5m, 1h)"));
                }

                within = parsed;
            }

            return (new Save(document.ToGroup(), string.IsNullOrWhiteSpace(document.Comment) ? null : document.Comment.Trim(), within), null);
        }
        catch (JsonException e)
        {
            return (null, Invalid(ToErrorPath(e.Path), e.Message));
        }
        catch (BadHttpRequestException e)
        {
            // The server refused the body itself: too large (413), malformed chunking (400), too slow or cut short.
            return (null, TypedResults.Problem(e.Message, statusCode: e.StatusCode));
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
