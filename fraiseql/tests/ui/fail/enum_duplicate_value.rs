use fraiseql::FraiseEnum;

#[derive(FraiseEnum)]
enum Role {
    Admin,
    #[fraiseql(rename = "ADMIN")]
    Boss,
}

fn main() {}
