use fraiseql::FraiseEnum;

#[derive(FraiseEnum)]
#[fraiseql(rename_all = "Title Case")]
enum Role {
    Admin,
}

fn main() {}
