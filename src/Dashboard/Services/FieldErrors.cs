using Google.Rpc;
using Grpc.Core;

namespace HaCluster.Dashboard.Services;

/// <summary>
/// The controller's validation errors by JSON path (<c>members[1].priority</c>), from the google.rpc.BadRequest of an
/// INVALID_ARGUMENT, so each can be shown next to its field; what no field shows is listed above the form.
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public static FieldErrors From(RpcException e)
    {
        var errors = new FieldErrors();
        var violations = e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations;
        if (violations is null || violations.Count == 0)
        {
            errors.Add("$", e.Status.Detail);
        }
        else
        {
            foreach (var v in violations)
            {
                errors.Add(v.Field, v.Description);
            }
        }

        return errors;
    }

    public void Add(string path, string message)
    {
        if (!_errors.TryGetValue(path, out var list))
        {
            _errors[path] = list = [];
        }

        list.Add(message);
    }

    public bool Has(string path) => _errors.ContainsKey(path);

    public string Text(string path) => _errors.TryGetValue(path, out var list) ? string.Join("; ", list) : "";

    /// <summary>Errors of paths no field shows (e.g. "$", "members", "virtualIps"): listed in the summary.</summary>
    public IEnumerable<string> Unplaced(IReadOnlySet<string> fields) =>
        _errors.Where(e => !fields.Contains(e.Key)).Select(e => e.Key == "$" ? string.Join("; ", e.Value) : $"{e.Key}: {string.Join("; ", e.Value)}");
}
