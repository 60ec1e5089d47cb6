using HaCluster.Controller.Domain;

namespace HaCluster.Controller.Groups;

/// <summary>How a save (or a validate-only preview of one) ended.</summary>
public abstract record SaveResult
{
    /// <summary>Saved at <paramref name="Revision"/> (a preview: the revision a save would get), with each member's config.</summary>
    public sealed record Saved(VipGroup Group, int Revision, IReadOnlyList<MemberConfig> Configs) : SaveResult;

    public sealed record Invalid(IReadOnlyList<GroupError> Errors) : SaveResult;

    public sealed record Conflict(string Detail) : SaveResult;

    public sealed record NotFound : SaveResult;
}
