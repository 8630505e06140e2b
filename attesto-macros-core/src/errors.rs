//! Collects several errors so that one expansion reports them all.

/// Errors gathered while checking the arguments, reported together.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    /// Adds an error.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// Keeps `value` if `result` holds one, and the error otherwise.
    pub(crate) fn keep<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        result.map_err(|e| self.push(e)).ok()
    }

    /// `Ok(value)` if nothing went wrong, else every error at once.
    pub(crate) fn finish<T>(self, value: T) -> syn::Result<T> {
        match self.0 {
            Some(error) => Err(error),
            None => Ok(value),
        }
    }

    /// Whether nothing went wrong.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// Moves `other`'s errors into these.
    pub(crate) fn absorb(&mut self, other: Errors) {
        if let Some(error) = other.0 {
            self.push(error);
        }
    }

    /// `code` with these errors beside it, as `compile_error!`s: for errors
    /// that leave the code usable, so that the host sees them and no
    /// follow-on errors from the items that would be missing.
    pub(crate) fn beside(self, mut code: crate::code::Code) -> crate::code::Code {
        if let Some(error) = self.0 {
            code.tokens(&error.to_compile_error());
        }
        code
    }
}
