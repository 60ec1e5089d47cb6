using HaCluster.Controller.Domain;

namespace HaCluster.Controller.Groups;

/// <summary>Collects every problem so the API can answer with all of them at once.</summary>
internal sealed class GroupErrorList
{
    private readonly List<GroupError> errors = [];

    public void Add(string path, string message) => errors.Add(new GroupError(path, message));

    public IReadOnlyList<GroupError> ToList() => errors.ToArray();
}
