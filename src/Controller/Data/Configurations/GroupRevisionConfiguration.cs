using HaCluster.Controller.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HaCluster.Controller.Data.Configurations;

internal sealed class GroupRevisionConfiguration : IEntityTypeConfiguration<GroupRevisionEntity>
{
    public void Configure(EntityTypeBuilder<GroupRevisionEntity> builder)
    {
        builder.ToTable("group_revisions");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.GroupName).HasMaxLength(64);
        builder.Property(r => r.Action).HasMaxLength(32);
        builder.Property(r => r.ChangedBy).HasMaxLength(256);
        builder.Property(r => r.Role).HasMaxLength(32);
        builder.Property(r => r.Comment).HasMaxLength(GroupRevisionLimits.MaxComment);
        builder.HasIndex(r => new { r.GroupName, r.Revision }).IsUnique();
    }
}

/// <summary>How long a revision's comment may be.</summary>
public static class GroupRevisionLimits
{
    public const int MaxComment = 500;
}
