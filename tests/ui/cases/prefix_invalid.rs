mod hyphen {
    attesto_macros::attesto_migration!(prefix = "oauth-");
}
mod injection {
    attesto_macros::attesto_migration!(prefix = "x\"; DROP TABLE y; --");
}
mod uppercase {
    attesto_macros::attesto_migration!(prefix = "OAuth_");
}
mod leading_digit {
    attesto_macros::attesto_migration!(prefix = "1oauth_");
}
mod non_ascii {
    attesto_macros::attesto_migration!(prefix = "café_");
}

fn main() {}
