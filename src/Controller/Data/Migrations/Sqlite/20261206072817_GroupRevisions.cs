using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HaCluster.Controller.Data.Migrations.Sqlite;

/// <inheritdoc />
public partial class GroupRevisions : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "group_revisions",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                GroupName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Revision = table.Column<int>(type: "INTEGER", nullable: false),
                Json = table.Column<string>(type: "TEXT", nullable: false),
                Action = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                ChangedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                Role = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                ChangedAt = table.Column<long>(type: "INTEGER", nullable: false),
                Comment = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_group_revisions", x => x.Id);
            });

        migrationBuilder.CreateIndex(
            name: "IX_group_revisions_GroupName_Revision",
            table: "group_revisions",
            columns: new[] { "GroupName", "Revision" },
            unique: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "group_revisions");
    }
}
