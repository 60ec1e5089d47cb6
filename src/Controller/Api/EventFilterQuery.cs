using System.Globalization;
using HaCluster.Controller.Domain;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Api;

/// <summary>Reads <c>?from=&amp;to=&amp;kind=&amp;node=&amp;group=&amp;limit=</c> strictly: every bad value is named in the problem.</summary>
internal static class EventFilterQuery
{
    public static (EventFilter? Filter, IResult? Problem) Read(HttpRequest request, string? group = null)
    {
        var errors = new Dictionary<string, string[]>();
        var query = request.Query;
        var from = Time(query["from"], "from", errors);
        var to = Time(query["to"], "to", errors);
        if (from > to)
        {
            errors["to"] = ["must not be before from"];
        }

        EventKind? kind = null;
        if (query["kind"].ToString() is { Length: > 0 } k)
        {
            if (Names.TryParse(k, out EventKind parsed) && parsed != EventKind.Unspecified)
            {
                kind = parsed;
            }
            else
            {
                errors["kind"] = [$"'{k}' is not one of {string.Join(", ", Names.All<EventKind>())}"];
            }
        }

        var limit = Limit(query["limit"], EventFilter.DefaultLimit, EventFilter.MaxLimit, errors);

        if (errors.Count > 0)
        {
            return (null, TypedResults.ValidationProblem(errors));
        }

        var node = query["node"].ToString() is { Length: > 0 } n ? n : null;
        group ??= query["group"].ToString() is { Length: > 0 } g ? g : null;
        return (new EventFilter(group, node, kind, from, to, limit), null);
    }

    /// <summary>An id in a route or query (<paramref name="what"/>: "an incident id"): a whole number, else null and a problem.</summary>
    internal static long? Id(string? text, string field, string what, Dictionary<string, string[]> errors)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return id;
        }

        errors[field] = [$"'{(text is { Length: > 32 } ? text[..32] + "…" : text)}' is not {what}"];
        return null;
    }

    /// <summary><c>?limit=</c>: a whole number 1..<paramref name="max"/>, else <paramref name="fallback"/> and a problem.</summary>
    internal static int Limit(string? text, int fallback, int max, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 && limit <= max)
        {
            return limit;
        }

        errors["limit"] = [$"'{text}' is not a whole number 1–{max}"];
        return fallback;
    }

    /// <summary>An ISO 8601 time, or null (nothing given, or a problem added under <paramref name="name"/>).</summary>
    internal static DateTimeOffset? Time(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at.ToUniversalTime();
        }

        errors[name] = [$"'{text}' is not an ISO 8601 time such as 2026-12-01T10:00:00Z"];
        return null;
    }
}
