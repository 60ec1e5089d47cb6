using HaCluster.Controller.Domain;

namespace HaCluster.Controller.Groups;

/// <summary>Collects the problems so the API can answer with all of them at once — the first <see cref="Max"/>, then how many more.</summary>
internal sealed class GroupErrorList
{
    public const int Max = 100;
    private readonly List<GroupError> errors = [];
    private int dropped;

    public void Add(string path, string message)
    {
        if (errors.Count < Max)
        {
            errors.Add(new GroupError(path, message));
        }
        else
        {
            dropped++;
        }
    }

    public IReadOnlyList<GroupError> ToList() =>
        dropped == 0 ? errors.ToArray() : [.. errors, new GroupError("$", $"and {dropped} more problem(s) not listed")];
}
